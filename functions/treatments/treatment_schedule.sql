-- Multi-session treatments (seed 004): when the sessions of a treatment take place.
--   gap n = days between session n and session n + 1 (local calendar days, same local time):
--           session_buffer_config.gaps_days[n] (1-based), else default_days, else 7.
--   A schedule from a start keeps the wall-clock time of the start in the organization's time
--   zone, so a 14:00 Europe/Berlin treatment stays at 14:00 across DST changes.
--   Each session carries its label (services.session_labels[n], null when unnamed).

-- (session_label was added by issue 14: the return type changed)
drop function if exists public.preview_treatment_schedule(uuid, timestamptz, integer);
drop function if exists private.treatment_schedule(uuid, timestamptz, integer, integer);

create or replace function private.treatment_gap_days(p_config jsonb, p_after_session integer)
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(
    (p_config -> 'gaps_days' ->> (p_after_session - 1))::integer,
    (p_config ->> 'default_days')::integer,
    7
  )
$$;

comment on function private.treatment_gap_days(jsonb, integer) is
  'Days between session p_after_session and the next one under a service''s session_buffer_config: gaps_days[p_after_session] (1-based), else default_days, else 7.';

revoke all on function private.treatment_gap_days(jsonb, integer) from public, anon, authenticated;
grant execute on function private.treatment_gap_days(jsonb, integer) to service_role;

create or replace function private.treatment_schedule(
  p_service_id uuid,
  p_starts_at timestamptz,
  p_from_session integer,
  p_sessions integer
)
returns table (session_number integer, starts_at timestamptz, ends_at timestamptz, session_label text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_service public.services;
  v_type public.session_types;
  v_tz text;
  v_local timestamp;
  v_offset integer := 0;
begin
  select sv.* into v_service from public.services sv where sv.id = p_service_id;
  select o.timezone into v_tz from public.organizations o where o.id = v_service.organization_id;
  v_type := private.resolve_session_type(v_service.organization_id, null, v_service.session_type_id);
  v_local := p_starts_at at time zone v_tz;

  for v_number in p_from_session .. p_from_session + p_sessions - 1 loop
    if v_number > p_from_session then
      v_offset := v_offset + private.treatment_gap_days(v_service.session_buffer_config, v_number - 1);
    end if;
    session_number := v_number;
    starts_at := (v_local + make_interval(days => v_offset)) at time zone v_tz;
    ends_at := starts_at + make_interval(mins => v_type.duration_minutes);
    session_label := v_service.session_labels[v_number];
    return next;
  end loop;
end
$$;

comment on function private.treatment_schedule(uuid, timestamptz, integer, integer) is
  'Sessions p_from_session .. p_from_session + p_sessions - 1 of a treatment of the service, the first at p_starts_at, each next one its gap later at the same local time (organization time zone); length from the service''s session type; label from services.session_labels. No access check (callers do it).';

revoke all on function private.treatment_schedule(uuid, timestamptz, integer, integer) from public, anon;
grant execute on function private.treatment_schedule(uuid, timestamptz, integer, integer) to service_role;

create or replace function public.preview_treatment_schedule(
  p_service_id uuid,
  p_starts_at timestamptz,
  p_sessions integer default null
)
returns table (session_number integer, starts_at timestamptz, ends_at timestamptz, session_label text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_service public.services;
begin
  perform private.require_caller();
  if p_service_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A service id is required.', 'p_service_id');
  end if;
  if p_starts_at is null then
    perform private.raise_error('INVALID_REQUEST', 'A start time is required.', 'p_starts_at');
  end if;
  perform private.require_sane_timestamp(p_starts_at, 'p_starts_at');
  select sv.* into v_service from public.services sv where sv.id = p_service_id;
  if v_service.id is null or not (private.is_service_call() or private.is_member(v_service.organization_id)) then
    perform private.raise_error('NOT_FOUND', 'Service not found.', 'p_service_id');
  end if;
  if not v_service.requires_multiple_sessions then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('Service "%s" is booked one session at a time (it is not a multi-session treatment).', v_service.name),
      'p_service_id'
    );
  end if;
  if p_sessions is not null and (p_sessions < 1 or p_sessions > v_service.total_sessions_required) then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('This treatment has %s sessions: preview 1 to %s of them.', v_service.total_sessions_required, v_service.total_sessions_required),
      'p_sessions'
    );
  end if;

  return query
  select s.session_number, s.starts_at, s.ends_at, s.session_label
  from private.treatment_schedule(p_service_id, p_starts_at, 1, coalesce(p_sessions, v_service.total_sessions_required)) as s;
end
$$;

comment on function public.preview_treatment_schedule(uuid, timestamptz, integer) is
  'The dates of a treatment''s sessions if it started at p_starts_at (all total_sessions_required, or the first p_sessions): gaps from session_buffer_config (per gap, else default_days, else 7 days), same local time across DST, length from the service''s session type, session_label from services.session_labels (null when unnamed). Nothing is booked. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = argument; the service must be a multi-session treatment), NOT_FOUND.';

revoke execute on function public.preview_treatment_schedule(uuid, timestamptz, integer) from public, anon;
grant execute on function public.preview_treatment_schedule(uuid, timestamptz, integer) to authenticated, service_role;
