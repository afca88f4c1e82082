-- change_recurring_booking (issue 14): "from 1 March, at 11:00 with Anna". The occurrences from
-- p_from_date on follow the new time and/or provider; everything before stays as it was.
--
-- How: the series is split. It ends the day before its first occurrence on or after
-- p_from_date that the dispatcher has not handled yet, and a continuation takes over from that
-- occurrence (continues_id = this series, valid_from = that date): same client, service,
-- frequency, anchor (start_date: a monthly series keeps its day) and end, the new local time
-- and/or provider, paused if this series is paused. Its skipped and moved occurrences from that
-- date on go with it. The old row keeps its rule and its bookings - the history of what was
-- booked under which rule - and get_series_schedule shows the chain as one schedule. A series
-- none of whose occurrences came before the change is changed in place.
-- The new rule must find every occurrence it holds free (SLOT_TAKEN naming the first colliding
-- date). An occurrence from p_from_date on that is already booked is refused (CONFLICT): move or
-- skip it first, or change the series from a later date.

create or replace function public.change_recurring_booking(
  p_recurring_booking_id uuid,
  p_from_date date,
  p_local_time time default null,
  p_provider_id uuid default null
)
returns public.recurring_bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_old public.recurring_bookings;
  v_new public.recurring_bookings;
  v_first date;
  v_booked date;
  v_local_time time;
  v_provider uuid;
  v_code text;
  v_detail text;
  v_hint text;
begin
  perform private.require_caller();
  if p_from_date is null then
    perform private.raise_error('INVALID_REQUEST', 'The date the change starts on is required.', 'p_from_date');
  end if;
  perform private.require_sane_timestamp(p_from_date::timestamptz, 'p_from_date');
  if p_local_time is null and p_provider_id is null then
    perform private.raise_error('INVALID_REQUEST', 'Name the new local time, the new provider or both.', 'p_local_time');
  end if;
  v_old := private.series_for_party(p_recurring_booking_id);
  if exists (select 1 from public.recurring_bookings as c
             where c.organization_id = v_old.organization_id and c.continues_id = v_old.id) then
    perform private.raise_error(
      'CONFLICT',
      'This series was changed from a date on already and continues as another series: change that one.',
      'p_recurring_booking_id'
    );
  end if;
  if p_from_date < (now() at time zone v_old.timezone)::date then
    perform private.raise_error('BOOKING_IN_PAST', 'A change cannot start in the past.', 'p_from_date');
  end if;
  v_local_time := coalesce(p_local_time, v_old.local_time);
  v_provider := coalesce(p_provider_id, v_old.specialist_id);
  if v_local_time = v_old.local_time and v_provider = v_old.specialist_id then
    return v_old;  -- nothing changes
  end if;

  -- the first occurrence the change takes over: on or after p_from_date, not handled yet
  v_first := private.recurring_first_on_or_after(
    v_old.start_date, v_old.frequency,
    greatest(p_from_date, v_old.next_booking_date, coalesce(v_old.valid_from, v_old.start_date))
  );
  if v_first > v_old.end_date then
    perform private.raise_error(
      'SERIES_ENDED',
      format('This series has no occurrence left on or after %s (it ends on %s).', p_from_date, v_old.end_date),
      'p_from_date'
    );
  end if;
  select min(b.recurring_occurrence_date) into v_booked
  from public.bookings as b
  where b.recurring_booking_id = v_old.id
    and b.recurring_occurrence_date >= p_from_date
    and b.status in ('pending', 'confirmed');
  if v_booked is not null then
    perform private.raise_error(
      'CONFLICT',
      format('The occurrence of %s is booked already: move or skip it (move_recurring_occurrence, skip_recurring_occurrence), or change the series from a later date.', v_booked),
      'p_from_date'
    );
  end if;

  -- the schedule of the provider(s) involved changes: one change at a time (fixed order)
  perform private.lock_provider(p.id)
  from (select distinct unnest(array[v_old.specialist_id, v_provider]) as id) as p
  order by p.id;

  begin
    if v_first <= private.recurring_first_on_or_after(v_old.start_date, v_old.frequency, coalesce(v_old.valid_from, v_old.start_date)) then
      -- nothing of the series comes before the change: the series itself changes
      update public.recurring_bookings as r
      set local_time = v_local_time,
          specialist_id = v_provider
      where r.id = v_old.id
      returning r.* into v_new;
    else
      -- the series ends before its first changed occurrence ...
      update public.recurring_bookings as r
      set end_date = v_first - 1,
          is_active = r.is_active and r.next_booking_date <= v_first - 1
      where r.id = v_old.id;
      -- ... and its continuation takes over (paused while its occurrences move over, so the
      -- check below sees them all)
      insert into public.recurring_bookings
        (organization_id, user_id, specialist_id, service_id, frequency, start_date, end_date, local_time,
         timezone, is_active, next_booking_date, continues_id, valid_from)
      values
        (v_old.organization_id, v_old.user_id, v_provider, v_old.service_id, v_old.frequency, v_old.start_date,
         v_old.end_date, v_local_time, v_old.timezone, false, v_first, v_old.id, v_first)
      returning * into v_new;
      update public.recurring_booking_exceptions as x
      set recurring_booking_id = v_new.id
      where x.organization_id = v_old.organization_id
        and x.recurring_booking_id = v_old.id
        and x.occurrence_date >= v_first;
      if v_old.is_active then
        update public.recurring_bookings as r
        set is_active = true
        where r.id = v_new.id
        returning r.* into v_new;
      end if;
    end if;
    -- users' writes are checked by the row triggers, service callers' here
    if private.is_service_call() then
      perform private.assert_series_slots_free(v_new);
    end if;
  exception when sqlstate 'PT400' or sqlstate 'PT404' or sqlstate 'PT409' or sqlstate 'PT422' then
    get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    perform private.raise_error(v_code, v_detail, case v_hint
      when 'specialist_id' then 'p_provider_id'
      when 'local_time' then case when p_local_time is null then 'p_provider_id' else 'p_local_time' end
      when 'service_id' then 'p_recurring_booking_id'
      else v_hint
    end);
  end;

  perform private.record_series_change(
    v_new, 'recurring_booking.changed',
    jsonb_build_object('recurring_booking_id', v_old.id, 'local_time', v_old.local_time, 'specialist_id', v_old.specialist_id),
    jsonb_build_object('from_date', p_from_date, 'valid_from', v_first, 'continues_id', v_new.continues_id,
                       'local_time', v_new.local_time, 'specialist_id', v_new.specialist_id)
  );
  return v_new;
end
$$;

comment on function public.change_recurring_booking(uuid, date, time, uuid) is
  'Changes the local time and/or the provider of a recurring series from p_from_date on (today or later): its occurrences from then on follow, those before stay as they were. The series ends the day before its first occurrence on or after p_from_date that is not handled yet, and a continuation (continues_id = this series, valid_from = that date; same client, service, frequency, anchor and end) takes over with the new time and provider, its skipped and moved occurrences included; a series none of whose occurrences came before is changed in place. Returns the series that runs from p_from_date (get_series_schedule follows the chain). Every occurrence the new rule holds must be free. For the series'' client, the provider who runs it and owners/admins. Audited; outbox event recurring_booking.changed. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = argument), NOT_FOUND (series; p_provider_id not a provider of the organization), FORBIDDEN, SLOT_TAKEN (PT409, the detail names the first colliding date), CONFLICT (PT409: an occurrence from p_from_date on is booked already - move or skip it first -, or the series was changed from a date on already), BOOKING_IN_PAST, SERIES_ENDED, SERVICE_INACTIVE (PT422).';

revoke execute on function public.change_recurring_booking(uuid, date, time, uuid) from public, anon;
grant execute on function public.change_recurring_booking(uuid, date, time, uuid) to authenticated, service_role;
