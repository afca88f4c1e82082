-- Where a treatment stands, computed from its bookings (never stored): seed 004's
-- getMultiSessionProgress + generateProgressMessage, in the database.
--   live      = pending | confirmed | completed: holds its session number
--   booked    = live sessions (completed ones included), completed = completed ones,
--   upcoming  = pending | confirmed, remaining = total - booked (still to be booked),
--   next_session_number = the lowest number no live booking holds (cancelled and no-show
--   sessions free theirs), null when every session is booked.

create or replace function private.treatment_progress_of(p_session_group_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with sessions as (
    select b.*
    from public.bookings as b
    where b.session_group_id = p_session_group_id
  ),
  summary as (
    select
      max(s.total_sessions) as total_sessions,
      count(*) filter (where s.status in ('pending', 'confirmed', 'completed')) as booked,
      count(*) filter (where s.status = 'completed') as completed,
      count(*) filter (where s.status in ('pending', 'confirmed')) as upcoming,
      (array_agg(s.service_id order by s.session_number))[1] as service_id,
      (array_agg(s.client_id order by s.session_number))[1] as client_id,
      (array_agg(s.provider_id order by s.session_number desc, s.created_at desc))[1] as provider_id,
      (array_agg(s.organization_id))[1] as organization_id
    from sessions as s
  ),
  next_free as (
    select min(n.n) as next_session_number
    from summary
    cross join lateral generate_series(1, summary.total_sessions) as n (n)
    where not exists (
      select 1 from sessions as s
      where s.session_number = n.n
        and s.status in ('pending', 'confirmed', 'completed')
    )
  )
  select case when summary.total_sessions is null then null else jsonb_build_object(
    'session_group_id', p_session_group_id,
    'organization_id', summary.organization_id,
    'service_id', summary.service_id,
    'client_id', summary.client_id,
    'provider_id', summary.provider_id,
    'strategy', sv.multi_session_strategy,
    'total_sessions', summary.total_sessions,
    'booked', summary.booked,
    'completed', summary.completed,
    'upcoming', summary.upcoming,
    'remaining', summary.total_sessions - summary.booked,
    'next_session_number', next_free.next_session_number,
    'next_session_label', sv.session_labels[next_free.next_session_number],
    'session_labels', to_jsonb(sv.session_labels),
    'message', case
      when summary.completed >= summary.total_sessions then
        format('Treatment complete: all %s sessions done.', summary.total_sessions)
      else
        format('%s of %s sessions completed, %s upcoming, %s still to book.',
               summary.completed, summary.total_sessions, summary.upcoming,
               summary.total_sessions - summary.booked)
        || case when next_free.next_session_number is not null
             then format(' Next: session %s%s.', next_free.next_session_number,
                         ' (' || sv.session_labels[next_free.next_session_number] || ')')
             else '' end
    end
  ) end
  from summary
  cross join next_free
  left join public.services as sv on sv.id = summary.service_id
$$;

comment on function private.treatment_progress_of(uuid) is
  'Progress of a treatment (session group) from its bookings: {session_group_id, organization_id, service_id, client_id, provider_id, strategy, total_sessions, booked, completed, upcoming, remaining, next_session_number, next_session_label, session_labels, message}; null for an unknown group. No access check.';

revoke all on function private.treatment_progress_of(uuid) from public, anon;
grant execute on function private.treatment_progress_of(uuid) to service_role;

create or replace function public.treatment_progress(p_session_group_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_progress jsonb;
  v_org uuid;
begin
  perform private.require_caller();
  if p_session_group_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A session group id is required.', 'p_session_group_id');
  end if;
  v_progress := private.treatment_progress_of(p_session_group_id);
  v_org := (v_progress ->> 'organization_id')::uuid;
  -- the client and the providers of the treatment, and the organization's owners/admins
  if v_progress is null or not (
    private.is_service_call()
    or private.has_role(v_org, array['owner', 'admin'])
    or (private.is_member(v_org) and exists (
      select 1 from public.bookings as b
      where b.session_group_id = p_session_group_id
        and (b.client_id = v_uid or b.provider_id = v_uid)
    ))
  ) then
    perform private.raise_error('NOT_FOUND', 'Treatment not found.', 'p_session_group_id');
  end if;
  return v_progress - 'organization_id';
end
$$;

comment on function public.treatment_progress(uuid) is
  'Progress of a multi-session treatment, computed from its bookings: {session_group_id, service_id, client_id, provider_id, strategy, total_sessions, booked, completed, upcoming, remaining, next_session_number, next_session_label, session_labels, message}; the labels come from services.session_labels (null when the service names no sessions). booked counts pending, confirmed and completed sessions; remaining = total - booked; cancelled and no-show sessions free their number. For the client, the treatment''s providers and owners/admins. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND.
@returns {session_group_id: uuid, service_id: uuid, client_id: uuid, provider_id: uuid, strategy: text, total_sessions: integer, booked: integer, completed: integer, upcoming: integer, remaining: integer, next_session_number: integer | null, next_session_label: text | null, session_labels: text[] | null, message: text}';

revoke execute on function public.treatment_progress(uuid) from public, anon;
grant execute on function public.treatment_progress(uuid) to authenticated, service_role;
