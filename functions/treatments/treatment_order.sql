-- private.assert_treatment_order: a session of a treatment keeps its place (seed 004): never
-- before the end of the previous live session, at least the service's gap (session_buffer_config,
-- private.treatment_gap_days) after it in local days, and the same before the next live session.
-- The one rule for booking a session (book_next_treatment_session) and for moving one
-- (reschedule_booking). Live = pending, confirmed or completed. Call it holding the treatment's
-- booking rows (select ... for update, in id order).

create or replace function private.assert_treatment_order(
  p_session_group_id uuid,
  p_session_number integer,
  p_starts_at timestamptz,
  p_exclude_booking_id uuid default null,
  p_hint text default 'p_starts_at'
)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_config jsonb;
  v_tz text;
  v_prev public.bookings;
  v_next public.bookings;
  v_gap integer;
  v_bound date;
begin
  select sv.session_buffer_config, o.timezone into v_config, v_tz
  from public.bookings as b
  join public.services as sv on sv.id = b.service_id
  join public.organizations as o on o.id = b.organization_id
  where b.session_group_id = p_session_group_id
  order by b.session_number, b.created_at
  limit 1;

  select b.* into v_prev
  from public.bookings as b
  where b.session_group_id = p_session_group_id
    and b.session_number < p_session_number
    and b.status in ('pending', 'confirmed', 'completed')
    and b.id is distinct from p_exclude_booking_id
  order by b.session_number desc
  limit 1;
  if v_prev.id is not null then
    v_gap := private.treatment_gap_days(v_config, p_session_number - 1);
    v_bound := (v_prev.start_time at time zone v_tz)::date + v_gap;
    if p_starts_at < v_prev.end_time or (p_starts_at at time zone v_tz)::date < v_bound then
      perform private.raise_error(
        'TREATMENT_BUFFER_NOT_MET',
        format('Session %s must be at least %s days after session %s: on %s or later.',
               p_session_number, v_gap, v_prev.session_number, v_bound),
        p_hint
      );
    end if;
  end if;

  select b.* into v_next
  from public.bookings as b
  where b.session_group_id = p_session_group_id
    and b.session_number > p_session_number
    and b.status in ('pending', 'confirmed', 'completed')
    and b.id is distinct from p_exclude_booking_id
  order by b.session_number
  limit 1;
  if v_next.id is not null then
    v_gap := private.treatment_gap_days(v_config, p_session_number);
    v_bound := (v_next.start_time at time zone v_tz)::date - v_gap;
    if p_starts_at >= v_next.start_time or (p_starts_at at time zone v_tz)::date > v_bound then
      perform private.raise_error(
        'TREATMENT_BUFFER_NOT_MET',
        format('Session %s must be at least %s days before session %s: on %s or earlier.',
               p_session_number, v_gap, v_next.session_number, v_bound),
        p_hint
      );
    end if;
  end if;
end
$$;

comment on function private.assert_treatment_order(uuid, integer, timestamptz, uuid, text) is
  'TREATMENT_BUFFER_NOT_MET (PT422, hint p_hint) unless session p_session_number of the treatment, starting at p_starts_at, stays after the previous live session and before the next one with the service''s gaps (organization-local days); p_exclude_booking_id = the booking being moved.';

revoke all on function private.assert_treatment_order(uuid, integer, timestamptz, uuid, text) from public, anon, authenticated;
grant execute on function private.assert_treatment_order(uuid, integer, timestamptz, uuid, text) to service_role;
