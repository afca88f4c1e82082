-- get_waitlist: the queue of a session with each waiting client's position. Staff (owners,
-- admins, providers of the organization) see every waiting client; a client sees their own place
-- (its position counts everyone ahead, whom they cannot see) and how many are waiting.

create or replace function public.get_waitlist(p_service_session_id uuid)
returns table (
  entry_id uuid,
  client_id uuid,
  "position" integer,
  waiting integer,
  booking_kind text,
  joined_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_session public.service_sessions;
  v_staff boolean;
begin
  perform private.require_caller();
  if p_service_session_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A service session id is required.', 'p_service_session_id');
  end if;
  select ss.* into v_session from public.service_sessions as ss where ss.id = p_service_session_id;
  v_staff := private.is_service_call()
    or private.has_role(v_session.organization_id, array['owner', 'admin', 'provider']);
  -- what the caller may not see does not exist for them (RLS of service_sessions)
  if v_session.id is null
     or not (v_staff
             or (private.is_member(v_session.organization_id)
                 and (v_session.visibility is distinct from 'private'
                      or exists (select 1 from public.waitlist_entries as e
                                 where e.service_session_id = v_session.id and e.client_id = v_uid)
                      or private.has_booking_in_session(v_session.id)))) then
    perform private.raise_error('NOT_FOUND', 'Session not found.', 'p_service_session_id');
  end if;

  return query
  select q.id, q.client_id, q.position, q.waiting, q.booking_kind, q.created_at
  from (
    select e.id, e.client_id, e.booking_kind, e.created_at,
           row_number() over (order by e.queue_number)::integer as position,
           (count(*) over ())::integer as waiting
    from public.waitlist_entries as e
    where e.service_session_id = v_session.id
      and e.status = 'waiting'
  ) as q
  where v_staff or q.client_id = v_uid
  order by q.position;
end
$$;

comment on function public.get_waitlist(uuid) is
  'The waiting clients of a session in queue order: (entry_id, client_id, position (1 = next), waiting (how many wait), booking_kind, joined_at). Owners, admins and providers of the organization see every waiting client; a client sees only their own row (with their true position). Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND (no such session, or one the caller cannot see).';

revoke execute on function public.get_waitlist(uuid) from public, anon;
grant execute on function public.get_waitlist(uuid) to authenticated, service_role;
