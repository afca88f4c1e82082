-- private.emit_booking_reminders: the pg_cron job emit-booking-reminders (every 5 minutes,
-- migration 20261127150500). A reminder of a confirmed booking for an offset of its
-- organization comes due at starts_at - offset (elapsed time: 24 h before 10:00 on the day
-- after a DST change is 09:00 or 11:00 local the day before). A run at p_now handles every
-- reminder that came due since the previous run (ops.reminder_clock, minus 10 minutes of slack
-- for transactions that committed late) and whose booking has not started:
--   * the nearest offset due for a booking is sent: one booking.reminder outbox event, payload
--     {booking_id, client_id, provider_id, service_id, service_name, service_session_id,
--      offset_minutes, starts_at, ends_at, timezone, local_starts_at (ISO with the UTC offset
--      then in force), local_date, local_time, utc_offset, recipients[], due_at, late_by_seconds};
--   * farther offsets due in the same run (the job was down for a while) are skipped
--     (superseded), as are reminders that came due before the booking was made
--     (booked_after_due): nobody is reminded a day ahead of a session booked an hour ago;
--   * every handled reminder gets its ledger row (ops.booking_reminders, key booking + offset
--     + start): a second run, a late run or a concurrent one never sends it again. A
--     rescheduled booking has a new start, so it is reminded of its new time only; a cancelled
--     (or pending, completed) booking is not confirmed and gets none.
-- Returns {from, to, sent, skipped}. p_now is for catching up and for tests (default now()).

create or replace function private.emit_booking_reminders(p_now timestamptz default now())
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  c_slack constant interval := interval '10 minutes';
  v_last timestamptz;
  v_from timestamptz;
  v_sent integer;
  v_skipped integer;
begin
  -- one run at a time; a second concurrent run waits, then finds the reminders handled
  select c.last_run_at into v_last from ops.reminder_clock c where c.singleton for update;
  v_from := coalesce(least(v_last, p_now), p_now) - c_slack;

  with offsets as (
    select distinct o.offset_minutes
    from public.organization_settings s
    cross join unnest(s.reminder_offsets_minutes) as o (offset_minutes)
    where s.remind_clients or s.remind_providers
  ),
  due as (
    select b.id as booking_id, b.organization_id, b.client_id, b.provider_id, b.service_id,
           b.service_session_id, b.start_time, b.end_time, b.created_at, x.offset_minutes,
           b.start_time - make_interval(mins => x.offset_minutes) as due_at,
           s.remind_clients, s.remind_providers
    from offsets x
    join public.bookings b
      on b.status = 'confirmed'
     and b.start_time > p_now
     and b.start_time > v_from + make_interval(mins => x.offset_minutes)
     and b.start_time <= p_now + make_interval(mins => x.offset_minutes)
    join public.organization_settings s
      on s.organization_id = b.organization_id
     and x.offset_minutes = any (s.reminder_offsets_minutes)
     and (s.remind_clients or s.remind_providers)
    where not exists (
      select 1 from ops.booking_reminders r
      where r.booking_id = b.id and r.offset_minutes = x.offset_minutes and r.starts_at = b.start_time
    )
  ),
  decided as (
    select d.*,
           case
             when d.created_at > d.due_at then 'booked_after_due'
             when row_number() over (partition by d.booking_id order by d.offset_minutes) > 1 then 'superseded'
           end as skip_reason
    from due d
  ),
  emitted as (
    select d.booking_id, d.offset_minutes, d.start_time, d.organization_id, d.due_at,
           private.emit_event(d.organization_id, 'booking.reminder', jsonb_build_object(
             'booking_id', d.booking_id,
             'client_id', d.client_id,
             'provider_id', d.provider_id,
             'service_id', d.service_id,
             'service_name', sv.name,
             'service_session_id', d.service_session_id,
             'offset_minutes', d.offset_minutes,
             'starts_at', d.start_time,
             'ends_at', d.end_time,
             'timezone', o.timezone,
             'local_starts_at', to_char(d.start_time at time zone o.timezone, 'YYYY-MM-DD"T"HH24:MI:SS') || l.utc_offset,
             'local_date', to_char(d.start_time at time zone o.timezone, 'YYYY-MM-DD'),
             'local_time', to_char(d.start_time at time zone o.timezone, 'HH24:MI'),
             'utc_offset', l.utc_offset,
             'recipients', to_jsonb(array_remove(array[
                              case when d.remind_clients then 'client' end,
                              case when d.remind_providers then 'provider' end], null)),
             'due_at', d.due_at,
             'late_by_seconds', greatest(floor(extract(epoch from p_now - d.due_at)), 0)::integer
           )) as event_id
    from decided d
    join public.organizations o on o.id = d.organization_id
    left join public.services sv on sv.id = d.service_id
    cross join lateral (
      select case when u.off < interval '0' then '-' || to_char(-u.off, 'HH24:MI')
                  else '+' || to_char(u.off, 'HH24:MI') end as utc_offset
      from (select (d.start_time at time zone o.timezone) - (d.start_time at time zone 'UTC') as off) as u
    ) as l
    where d.skip_reason is null
  ),
  ledger as (
    insert into ops.booking_reminders
      (booking_id, offset_minutes, starts_at, organization_id, due_at, status, reason, event_id, handled_at)
    select e.booking_id, e.offset_minutes, e.start_time, e.organization_id, e.due_at, 'sent', null, e.event_id, p_now
    from emitted e
    union all
    select d.booking_id, d.offset_minutes, d.start_time, d.organization_id, d.due_at, 'skipped', d.skip_reason, null, p_now
    from decided d
    where d.skip_reason is not null
    on conflict do nothing
    returning status
  )
  select count(*) filter (where l.status = 'sent'), count(*) filter (where l.status = 'skipped')
  into v_sent, v_skipped
  from ledger l;

  update ops.reminder_clock c set last_run_at = greatest(c.last_run_at, p_now) where c.singleton;
  delete from ops.booking_reminders r where r.starts_at < p_now - interval '30 days';

  if v_sent + v_skipped > 0 then
    perform private.write_audit(
      null, 'booking_reminders.emitted', 'bookings', null, null,
      jsonb_build_object('from', v_from, 'to', p_now, 'sent', v_sent, 'skipped', v_skipped)
    );
  end if;
  return jsonb_build_object('from', v_from, 'to', p_now, 'sent', v_sent, 'skipped', v_skipped);
end
$$;

comment on function private.emit_booking_reminders(timestamptz) is
  'pg_cron job emit-booking-reminders: emits one booking.reminder outbox event per confirmed booking and organization offset that came due since the previous run (local start time in the organization''s time zone in the payload), at most once per (booking, offset, start time) (ledger ops.booking_reminders). Returns {from, to, sent, skipped}.';

revoke all on function private.emit_booking_reminders(timestamptz) from public, anon, authenticated;
grant execute on function private.emit_booking_reminders(timestamptz) to service_role;
