-- Shared start of the waitlist RPCs: the session, locked, and who the entry is for.
-- The session's row lock is the waitlist's lock: joins, leaves and promotions of one session run
-- one after the other, so queue_number (drawn under it) is the order of the joins and a promotion
-- always sees every earlier join. Lock order as for bookings: session row -> client limit ->
-- subscription (a promotion books through private.join_service_session).

create or replace function private.lock_waitlist_session(
  p_service_session_id uuid,
  p_client_id uuid,
  out client_id uuid,
  out is_staff boolean
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_org uuid;
  v_visibility text;
begin
  perform private.require_caller();
  if p_service_session_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A service session id is required.', 'p_service_session_id');
  end if;
  select ss.organization_id into v_org from public.service_sessions as ss where ss.id = p_service_session_id;
  if v_org is null then
    perform private.raise_error('NOT_FOUND', 'Session not found.', 'p_service_session_id');
  end if;
  -- a client for themself, staff (or service_role) naming a client of the organization
  select r.client_id, r.is_staff into client_id, is_staff
  from private.resolve_booking_client(v_org, p_client_id, 'p_service_session_id') as r;

  select ss.visibility into v_visibility
  from public.service_sessions as ss
  where ss.id = p_service_session_id
  for update;
  if v_visibility = 'private' and not is_staff then
    perform private.raise_error('FORBIDDEN', 'This session is private: only staff can put clients on its waitlist.', 'p_service_session_id');
  end if;
end
$$;

comment on function private.lock_waitlist_session(uuid, uuid) is
  'Start of join_waitlist / leave_waitlist: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND; who the entry is for (private.resolve_booking_client: the calling client, or a client named by staff); locks the session row (the waitlist''s lock, held until the end of the transaction: the caller reads the row after this); FORBIDDEN for a client on a private session.';

revoke all on function private.lock_waitlist_session(uuid, uuid) from public, anon, authenticated;
grant execute on function private.lock_waitlist_session(uuid, uuid) to service_role;

create or replace function private.waitlist_entry_json(p_entry public.waitlist_entries)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  -- position = 1 + waiting entries ahead of it (null once the entry left the queue)
  select jsonb_build_object(
    'entry_id', p_entry.id,
    'service_session_id', p_entry.service_session_id,
    'client_id', p_entry.client_id,
    'booking_kind', p_entry.booking_kind,
    'status', p_entry.status,
    'position', case when p_entry.status = 'waiting' then (
      select count(*)::integer + 1
      from public.waitlist_entries as e
      where e.service_session_id = p_entry.service_session_id
        and e.status = 'waiting'
        and e.queue_number < p_entry.queue_number
    ) end,
    'waiting', (
      select count(*)::integer
      from public.waitlist_entries as e
      where e.service_session_id = p_entry.service_session_id
        and e.status = 'waiting'
    ),
    'joined_at', p_entry.created_at
  )
$$;

comment on function private.waitlist_entry_json(public.waitlist_entries) is
  'What join_waitlist and leave_waitlist return about an entry: {entry_id, service_session_id, client_id, booking_kind, status, position (1 = next; null unless waiting), waiting (clients waiting for the session), joined_at}.';

revoke all on function private.waitlist_entry_json(public.waitlist_entries) from public, anon, authenticated;
grant execute on function private.waitlist_entry_json(public.waitlist_entries) to service_role;
