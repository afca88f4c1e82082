-- pause_recurring_booking / resume_recurring_booking (issue 14): a series on hold (holiday,
-- injury) and back. Paused, it holds nothing and the dispatcher leaves it alone; occurrences it
-- already booked stay booked (skip them to cancel them). Resumed, it continues with its first
-- occurrence from today on (the paused ones are not "missed" by a catch-up run), and every
-- occurrence it would hold again must be free (SLOT_TAKEN names the first one that is not).
-- Before these RPCs a pause was a direct write of is_active; that stays possible (the row
-- triggers check a resume the same way), these record who and when and announce it.

create or replace function public.pause_recurring_booking(p_recurring_booking_id uuid, p_reason text default null)
returns public.recurring_bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_reason text := nullif(btrim(p_reason), '');
  v_series public.recurring_bookings;
begin
  perform private.require_caller();
  if char_length(v_reason) > 2000 then
    perform private.raise_error('INVALID_REQUEST', 'The reason may have at most 2000 characters.', 'p_reason');
  end if;
  v_series := private.series_for_party(p_recurring_booking_id);
  if not v_series.is_active then
    return v_series;  -- paused (or ended) already
  end if;

  update public.recurring_bookings as r
  set is_active = false
  where r.id = v_series.id
  returning r.* into v_series;
  perform private.record_series_change(
    v_series, 'recurring_booking.paused',
    jsonb_build_object('is_active', true),
    jsonb_build_object('is_active', false, 'reason', v_reason)
  );
  return v_series;
end
$$;

comment on function public.pause_recurring_booking(uuid, text) is
  'Pauses a recurring series: it holds nothing and is not dispatched until resume_recurring_booking; occurrences already booked stay booked (skip_recurring_occurrence cancels them). Pausing a paused series changes nothing. For the series'' client, the provider who runs it and owners/admins. Returns the series. Audited; outbox event recurring_booking.paused. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = argument), NOT_FOUND, FORBIDDEN.';

revoke execute on function public.pause_recurring_booking(uuid, text) from public, anon;
grant execute on function public.pause_recurring_booking(uuid, text) to authenticated, service_role;

create or replace function public.resume_recurring_booking(p_recurring_booking_id uuid)
returns public.recurring_bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_series public.recurring_bookings;
  v_next date;
  v_code text;
  v_detail text;
begin
  perform private.require_caller();
  v_series := private.series_for_party(p_recurring_booking_id);
  if v_series.is_active then
    return v_series;  -- running already
  end if;
  -- a series ends with its client's or provider's membership (leaving, removal): it does not
  -- come back for someone who is no longer a member (series_for_party locked both memberships)
  perform private.assert_series_members(v_series, 'p_recurring_booking_id', 'p_recurring_booking_id');
  if exists (select 1 from public.recurring_bookings as c
             where c.organization_id = v_series.organization_id and c.continues_id = v_series.id) then
    perform private.raise_error(
      'SERIES_ENDED',
      'This series was changed from a date on and continues as another series: resume that one.',
      'p_recurring_booking_id'
    );
  end if;
  -- its first occurrence from today on (the paused ones were never due)
  v_next := private.recurring_first_on_or_after(
    v_series.start_date, v_series.frequency,
    greatest(v_series.next_booking_date, (now() at time zone v_series.timezone)::date)
  );
  if v_next > v_series.end_date then
    perform private.raise_error(
      'SERIES_ENDED',
      format('This series ended on %s: set up a new one.', v_series.end_date),
      'p_recurring_booking_id'
    );
  end if;

  perform private.lock_provider(v_series.specialist_id);
  begin
    update public.recurring_bookings as r
    set is_active = true,
        next_booking_date = v_next
    where r.id = v_series.id
    returning r.* into v_series;
    -- users' writes are checked by the row trigger (validate_recurring_slots_on_update), service
    -- callers' here
    if private.is_service_call() then
      perform private.assert_series_slots_free(v_series);
    end if;
  exception when sqlstate 'PT409' then
    get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail;
    perform private.raise_error(v_code, v_detail, 'p_recurring_booking_id');
  end;
  perform private.record_series_change(
    v_series, 'recurring_booking.resumed',
    jsonb_build_object('is_active', false),
    jsonb_build_object('is_active', true, 'next_booking_date', v_next)
  );
  return v_series;
end
$$;

comment on function public.resume_recurring_booking(uuid) is
  'Resumes a paused recurring series from its first occurrence on or after today (occurrences of the pause are not booked late): every occurrence it holds again must be free, else SLOT_TAKEN naming the first colliding date. Resuming a running series changes nothing. For the series'' client, the provider who runs it and owners/admins. Returns the series. Audited; outbox event recurring_booking.resumed. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND (also: its client or provider is no longer a member - leaving ended the series), FORBIDDEN, SLOT_TAKEN (PT409), SERIES_ENDED (PT422: past its end date, or continued by another series).';

revoke execute on function public.resume_recurring_booking(uuid) from public, anon;
grant execute on function public.resume_recurring_booking(uuid) to authenticated, service_role;
