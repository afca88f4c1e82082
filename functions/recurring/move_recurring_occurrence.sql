-- move_recurring_occurrence (issue 14): "this week on Wednesday at 11:00 instead". The
-- occurrence is checked at its new time under every booking rule, like a new booking of the
-- series' service with its provider (booking window and notice, working hours and exceptions,
-- buffers, sessions and every other series' holds - this series' other occurrences included -,
-- the daily limit), then holds the new time instead of its regular one
-- (recurring_booking_exceptions kind moved) and is dispatched there when the earlier of its
-- regular and its new date comes due; credits are spent then, as for every occurrence. A move
-- into the days the nightly run has already booked (up to tomorrow, UTC) is booked at once.
-- An occurrence the dispatcher already booked is moved with reschedule_booking's rules (the
-- client's late-move window, credits, ...). Moving an occurrence back to its regular time
-- undoes a move or a skip; moving one the dispatcher failed to book retries it at that time.

create or replace function public.move_recurring_occurrence(
  p_recurring_booking_id uuid,
  p_occurrence_date date,
  p_new_starts_at timestamptz,
  p_reason text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_reason text := nullif(btrim(p_reason), '');
  v_series public.recurring_bookings;
  v_exception public.recurring_booking_exceptions;
  v_booking public.bookings;
  v_type_id uuid;
  v_minutes integer;
  v_regular_at timestamptz;
  v_code text;
  v_detail text;
  v_hint text;
begin
  perform private.require_caller();
  if p_occurrence_date is null then
    perform private.raise_error('INVALID_REQUEST', 'The occurrence date is required.', 'p_occurrence_date');
  end if;
  if p_new_starts_at is null then
    perform private.raise_error('INVALID_REQUEST', 'The new start time is required.', 'p_new_starts_at');
  end if;
  perform private.require_sane_timestamp(p_occurrence_date::timestamptz, 'p_occurrence_date');
  perform private.require_sane_timestamp(p_new_starts_at, 'p_new_starts_at');
  if char_length(v_reason) > 2000 then
    perform private.raise_error('INVALID_REQUEST', 'The reason may have at most 2000 characters.', 'p_reason');
  end if;
  v_series := private.series_for_party(p_recurring_booking_id);
  perform private.assert_series_occurrence(v_series, p_occurrence_date);
  v_regular_at := (p_occurrence_date + v_series.local_time) at time zone v_series.timezone;

  select x.* into v_exception
  from public.recurring_booking_exceptions as x
  where x.organization_id = v_series.organization_id
    and x.recurring_booking_id = v_series.id
    and x.occurrence_date = p_occurrence_date;
  select b.* into v_booking
  from public.bookings as b
  where b.recurring_booking_id = v_series.id
    and b.recurring_occurrence_date = p_occurrence_date;

  begin
    if v_booking.id is not null then
      if v_booking.status = 'cancelled' then
        perform private.raise_error('ALREADY_CANCELLED', 'This occurrence''s booking is cancelled.', 'p_occurrence_date');
      end if;
      -- dispatched: moving it is rescheduling its booking, with every rule of reschedule_booking
      perform public.reschedule_booking(v_booking.id, p_new_starts_at);
    else
      if not v_series.is_active and v_series.end_date is not null and v_series.next_booking_date > v_series.end_date then
        perform private.raise_error('SERIES_ENDED', 'This series has ended: book a single session instead.', 'p_recurring_booking_id');
      end if;
      -- an occurrence that has taken place stays where it was; one the dispatcher could not book
      -- may be moved (it is retried at the new time)
      if v_exception.error_code is null
         and (coalesce(v_exception.starts_at, v_regular_at) <= now()
              or (v_exception.kind is distinct from 'moved' and p_occurrence_date < v_series.next_booking_date)
              or v_exception.dispatched_on is not null) then
        perform private.raise_error('BOOKING_IN_PAST', 'This occurrence has already taken place.', 'p_occurrence_date');
      end if;
      select t.session_type_id, t.duration_minutes into v_type_id, v_minutes
      from public.services as sv
      cross join lateral private.session_type_for(sv.organization_id, null, sv.session_type_id) as t
      where sv.id = v_series.service_id;

      perform private.lock_provider(v_series.specialist_id);
      -- while it is checked at its new time the occurrence holds nothing (it must not collide
      -- with itself; the series' other occurrences still count like anyone's)
      insert into public.recurring_booking_exceptions
        (organization_id, recurring_booking_id, occurrence_date, kind)
      values (v_series.organization_id, v_series.id, p_occurrence_date, 'skipped')
      on conflict (organization_id, recurring_booking_id, occurrence_date) do update
      set kind = 'skipped', starts_at = null, dispatched_on = null, error_code = null, error_detail = null;
      -- every booking rule of a new booking of the series' service with its provider (the
      -- client's credits are spent, and asked about, when it is dispatched)
      perform private.assert_bookable(private.new_candidate(
        purpose => 'book',
        organization_id => v_series.organization_id,
        service_id => v_series.service_id,
        provider_id => v_series.specialist_id,
        starts_at => p_new_starts_at,
        ends_at => p_new_starts_at + make_interval(mins => v_minutes),
        session_type_id => v_type_id
      ));

      if p_new_starts_at = v_regular_at and p_occurrence_date >= v_series.next_booking_date then
        -- back to its rule
        delete from public.recurring_booking_exceptions as x
        where x.organization_id = v_series.organization_id
          and x.recurring_booking_id = v_series.id
          and x.occurrence_date = p_occurrence_date;
      else
        update public.recurring_booking_exceptions as x
        set kind = 'moved',
            starts_at = p_new_starts_at,
            reason = v_reason,
            created_by = (select auth.uid())
        where x.organization_id = v_series.organization_id
          and x.recurring_booking_id = v_series.id
          and x.occurrence_date = p_occurrence_date;
        -- due already for the nightly run (it books the next day, UTC): that run has passed or
        -- would be too late, so the occurrence is booked now, by the booking core like any
        -- dispatched occurrence (credits, the client's limits); a failure fails the move
        if v_series.is_active
           and least(p_occurrence_date, (p_new_starts_at at time zone v_series.timezone)::date)
               <= (now() at time zone 'UTC')::date + 1 then
          update public.recurring_booking_exceptions as x
          set dispatched_on = (now() at time zone 'UTC')::date
          where x.organization_id = v_series.organization_id
            and x.recurring_booking_id = v_series.id
            and x.occurrence_date = p_occurrence_date;
          v_booking := private.create_individual_booking(
            v_series.service_id, v_series.specialist_id, p_new_starts_at, v_series.user_id
          );
          update public.bookings as b
          set recurring_booking_id = v_series.id,
              recurring_occurrence_date = p_occurrence_date
          where b.id = v_booking.id;
        end if;
      end if;
    end if;
  exception when sqlstate 'PT400' or sqlstate 'PT403' or sqlstate 'PT404' or sqlstate 'PT409' or sqlstate 'PT422' then
    -- the booking rules name their own arguments: report ours
    get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    perform private.raise_error(v_code, v_detail, case v_hint
      when 'p_booking_id' then 'p_occurrence_date'
      when 'p_starts_at' then 'p_new_starts_at'
      when 'p_session_type_id' then 'p_recurring_booking_id'
      when 'p_service_id' then 'p_recurring_booking_id'
      when 'p_provider_id' then 'p_recurring_booking_id'
      else v_hint
    end);
  end;

  perform private.record_series_change(
    v_series, 'recurring_booking.occurrence_moved',
    jsonb_build_object('kind', v_exception.kind,
                       'starts_at', coalesce(v_booking.start_time, v_exception.starts_at, v_regular_at)),
    jsonb_build_object('occurrence_date', p_occurrence_date, 'starts_at', p_new_starts_at,
                       'regular_starts_at', v_regular_at, 'reason', v_reason, 'booking_id', v_booking.id)
  );
  return (
    select to_jsonb(s) || jsonb_build_object('success', true)
    from private.series_schedule(v_series, p_occurrence_date, 1) as s
  );
end
$$;

comment on function public.move_recurring_occurrence(uuid, date, timestamptz, text) is
  'Moves one occurrence of a recurring series (p_occurrence_date: its date in the series'' rule) to p_new_starts_at, same provider and length. Not booked yet: checked under every booking rule at the new time (window, notice, working hours and exceptions, buffers, sessions and other occurrences'' holds, daily limit), then it holds the new time instead of its regular one and the dispatcher books it there (credits are spent then) when the earlier of its regular and new date comes due; a move into the days the nightly run has already booked (up to tomorrow, UTC) is booked at once (booking_id set; the booking core''s errors, NO_CREDITS_LEFT included, fail the move). Already booked: reschedule_booking''s rules. Moving it back to its regular time undoes a move or a skip; an occurrence the dispatcher failed to book is retried at the new time. For the series'' client, the provider who runs it and owners/admins. Returns the occurrence as get_series_schedule shows it plus success. Audited; outbox event recurring_booking.occurrence_moved. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = argument), NOT_FOUND, FORBIDDEN, SLOT_TAKEN, ALREADY_CANCELLED, NO_CREDITS_LEFT (PT409), BOOKING_IN_PAST, TOO_LATE_TO_BOOK, OUTSIDE_BOOKING_WINDOW, OUTSIDE_AVAILABILITY, DAILY_LIMIT_REACHED, TOO_LATE_TO_RESCHEDULE, SERVICE_INACTIVE, SESSION_TYPE_INACTIVE, SERIES_ENDED (PT422).
@returns {success: boolean, recurring_booking_id: uuid, occurrence_date: date, state: text, starts_at: timestamptz, ends_at: timestamptz, regular_starts_at: timestamptz, held: boolean, provider_id: uuid, booking_id: uuid | null, booking_status: text | null, error_code: text | null, error_detail: text | null, reason: text | null}';

revoke execute on function public.move_recurring_occurrence(uuid, date, timestamptz, text) from public, anon;
grant execute on function public.move_recurring_occurrence(uuid, date, timestamptz, text) to authenticated, service_role;
