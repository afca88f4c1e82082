-- The schedule of a recurring series (issue 14): its next occurrences, each with its state, from
-- the same facts the dispatcher and the series holds use (the rule, next_booking_date, the
-- occurrence's booking, recurring_booking_exceptions, private.series_occurrences).
--
-- States, first match wins:
--   skipped    a party skipped it (if it had been booked, that booking was cancelled)
--   cancelled  its booking was cancelled (not through a skip)
--   booked     booked at its regular time (booking_id, booking_status)
--   moved      booked at another time, or moved and waiting to be booked at starts_at
--   failed     the dispatcher could not book it (error_code: the contract code)
--   missed     past, or handled by the dispatcher without a booking (it was already past)
--   paused     the series is paused: not held, not dispatched until it is resumed
--   held       waiting to be booked; its slot is held
--   scheduled  waiting, not held yet (beyond the service's booking window, or its service or
--              provider cannot be booked at the moment)

create or replace function private.series_schedule(p_series public.recurring_bookings, p_from date, p_count integer)
returns table (
  recurring_booking_id uuid,
  occurrence_date date,
  state text,
  starts_at timestamptz,
  ends_at timestamptz,
  regular_starts_at timestamptz,
  held boolean,
  provider_id uuid,
  booking_id uuid,
  booking_status text,
  error_code text,
  error_detail text,
  reason text
)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_from date := greatest(p_from, coalesce(p_series.valid_from, p_series.start_date));
  v_first date := private.recurring_first_on_or_after(p_series.start_date, p_series.frequency, v_from);
  -- enough days for p_count occurrences (a month has at most 31 days)
  v_to date := least(
    p_series.end_date,
    v_first + p_count * case p_series.frequency when 'monthly' then 31 when 'biweekly' then 14 else 7 end
  );
  v_length interval;
begin
  select pg_catalog.make_interval(mins => st.duration_minutes) into v_length
  from public.services as sv
  join public.session_types as st
    on st.id = coalesce(sv.session_type_id, private.applicable_session_type(sv.organization_id))
  where sv.id = p_series.service_id;

  return query
  with dates as (
    select o.occurrence_date, (o.occurrence_date + p_series.local_time) at time zone p_series.timezone as regular_at
    from private.recurring_occurrences(p_series.start_date, p_series.frequency, v_first, v_to) as o (occurrence_date)
    order by o.occurrence_date
    limit p_count
  ),
  holds as (
    select h.occurrence_date
    from private.series_occurrences(array[p_series], null) as h
  )
  select
    p_series.id,
    d.occurrence_date,
    case
      when b.id is not null and b.status = 'cancelled' then
        case when x.kind = 'skipped' then 'skipped' else 'cancelled' end
      when b.id is not null then
        case when b.start_time = d.regular_at then 'booked' else 'moved' end
      when x.kind = 'skipped' then 'skipped'
      when x.error_code is not null then 'failed'
      when x.dispatched_on is not null
           or (x.kind is distinct from 'moved' and d.occurrence_date < p_series.next_booking_date)
           or coalesce(x.starts_at, d.regular_at) <= pg_catalog.now() then 'missed'
      when not p_series.is_active then 'paused'
      when x.kind = 'moved' then 'moved'
      when h.occurrence_date is not null then 'held'
      else 'scheduled'
    end,
    coalesce(b.start_time, x.starts_at, d.regular_at),
    coalesce(b.end_time, coalesce(x.starts_at, d.regular_at) + v_length),
    d.regular_at,
    h.occurrence_date is not null,
    coalesce(b.provider_id, p_series.specialist_id),
    b.id,
    b.status,
    x.error_code,
    x.error_detail,
    x.reason
  from dates as d
  left join public.bookings as b
    on b.recurring_booking_id = p_series.id
   and b.recurring_occurrence_date = d.occurrence_date
  left join public.recurring_booking_exceptions as x
    on x.organization_id = p_series.organization_id
   and x.recurring_booking_id = p_series.id
   and x.occurrence_date = d.occurrence_date
  left join holds as h on h.occurrence_date = d.occurrence_date
  order by d.occurrence_date;
end
$$;

comment on function private.series_schedule(public.recurring_bookings, date, integer) is
  'The first p_count occurrences of one series on or after p_from (its own ones: from valid_from for a continuation, up to end_date), each with its state (skipped | cancelled | booked | moved | failed | missed | paused | held | scheduled), times, whether it holds its slot, its booking and its failure. What get_series_schedule returns for each series of a chain, and the series RPCs for the occurrence they changed.';

revoke all on function private.series_schedule(public.recurring_bookings, date, integer) from public, anon, authenticated;
grant execute on function private.series_schedule(public.recurring_bookings, date, integer) to service_role;

create or replace function public.get_series_schedule(
  p_recurring_booking_id uuid,
  p_count integer default 10,
  p_from date default null
)
returns table (
  recurring_booking_id uuid,
  occurrence_date date,
  state text,
  starts_at timestamptz,
  ends_at timestamptz,
  regular_starts_at timestamptz,
  held boolean,
  provider_id uuid,
  booking_id uuid,
  booking_status text,
  error_code text,
  error_detail text,
  reason text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_series public.recurring_bookings;
  v_from date;
begin
  perform private.require_caller();
  if p_count is null or p_count < 1 or p_count > 100 then
    perform private.raise_error('INVALID_REQUEST', 'p_count must be between 1 and 100.', 'p_count');
  end if;
  perform private.require_sane_timestamp(p_from::timestamptz, 'p_from');
  v_series := private.series_for_party(p_recurring_booking_id, false);
  v_from := coalesce(p_from, (pg_catalog.now() at time zone v_series.timezone)::date);

  -- the series and the ones it continues or that continue it (change_recurring_booking): one
  -- schedule, each occurrence from the series whose dates it falls in
  return query
  with recursive before as (
    select r as series, 0 as depth
    from public.recurring_bookings as r
    where r.id = v_series.id
    union all
    select p, b.depth + 1
    from before as b
    join public.recurring_bookings as p
      on p.organization_id = (b.series).organization_id
     and p.id = (b.series).continues_id
    where b.depth < 1000
  ),
  after as (
    select r as series, 0 as depth
    from public.recurring_bookings as r
    where r.id = v_series.id
    union all
    select c, a.depth + 1
    from after as a
    join public.recurring_bookings as c
      on c.organization_id = (a.series).organization_id
     and c.continues_id = (a.series).id
    where a.depth < 1000
  ),
  chain as (
    select b.series from before as b
    union
    select a.series from after as a
  )
  select s.*
  from chain as c
  cross join lateral private.series_schedule(c.series, v_from, p_count) as s
  order by s.occurrence_date
  limit p_count;
end
$$;

comment on function public.get_series_schedule(uuid, integer, date) is
  'The next p_count (1..100, default 10) occurrences of a recurring series from p_from (default: today in the series'' time zone), following its continuations (change_recurring_booking): recurring_booking_id (the series the occurrence belongs to), occurrence_date (its date in the rule), state (skipped | cancelled | booked | moved | failed | missed | paused | held | scheduled), starts_at/ends_at (where it is: the booking''s, the moved time or the regular one), regular_starts_at, held (its slot is held now), provider_id, booking_id, booking_status, error_code/error_detail (the dispatcher''s failure), reason (of a skip or move). For the series'' client, the provider who runs it and owners/admins. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = argument), NOT_FOUND, FORBIDDEN.';

revoke execute on function public.get_series_schedule(uuid, integer, date) from public, anon;
grant execute on function public.get_series_schedule(uuid, integer, date) to authenticated, service_role;
