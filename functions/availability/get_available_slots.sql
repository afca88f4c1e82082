-- get_available_slots: the bookable start times of a service with a provider between two local
-- dates, computed by the database (seed 002 did this in the browser). Slots are laid out every
-- `slot_step_minutes` (default: the session length) from the start of each available window
-- (weekly rules and overrides minus exceptions minus the organization's closures, in the
-- organization's / rule's time zone, DST-correct), each as long as the session, then dropped
-- when they collide with a session (buffers included), start too soon (min_notice_minutes), too
-- far ahead (max_advance_days), fall on a day already at max_bookings_per_day or - for a client
-- asking - in a period where they hold max_bookings_per_client. Booking re-checks all of it
-- (private.assert_slot_bookable, private.assert_client_limit).
--
-- One computation (private.service_slots), two doors: get_available_slots for members of the
-- organization, get_public_available_slots (functions/public_booking/) for a published booking
-- page. Both first check their arguments with private.require_slot_search.

create or replace function private.require_slot_search(
  p_provider_id uuid,
  p_service_id uuid,
  p_from date,
  p_to date
)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_provider_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A provider id is required.', 'p_provider_id');
  end if;
  if p_service_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A service id is required.', 'p_service_id');
  end if;
  if p_from is null then
    perform private.raise_error('INVALID_REQUEST', 'A start date is required.', 'p_from');
  end if;
  perform private.require_sane_timestamp(p_from::timestamptz, 'p_from');
  perform private.require_sane_timestamp(p_to::timestamptz, 'p_to');
  if p_to is null or p_to < p_from or p_to - p_from > 92 then
    perform private.raise_error('INVALID_REQUEST', 'p_to must be on or after p_from, at most 92 days later.', 'p_to');
  end if;
end
$$;

comment on function private.require_slot_search(uuid, uuid, date, date) is
  'Argument checks of a slot search (get_available_slots, get_public_available_slots): INVALID_REQUEST naming p_provider_id, p_service_id, p_from or p_to (insane dates, p_to before p_from or more than 92 days later).';

revoke all on function private.require_slot_search(uuid, uuid, date, date) from public, anon, authenticated;
grant execute on function private.require_slot_search(uuid, uuid, date, date) to service_role;

create or replace function private.service_slots(
  p_service public.services,
  p_provider_id uuid,
  p_from date,
  p_to date
)
returns table (starts_at timestamptz, ends_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_service public.services := p_service;
  v_type public.session_types;
  v_tz text;
  v_length interval;
  v_step interval;
  v_free tstzmultirange;
  v_client_full tstzmultirange := '{}'::tstzmultirange;
  v_busy tstzmultirange;
  v_earliest timestamptz;
  v_latest timestamptz;
begin
  if not v_service.is_active then
    perform private.raise_error('SERVICE_INACTIVE', format('Service "%s" is no longer offered.', v_service.name), 'p_service_id');
  end if;
  if coalesce(private.member_role(v_service.organization_id, p_provider_id), '') not in ('owner', 'admin', 'provider') then
    perform private.raise_error('NOT_FOUND', 'Provider not found in this organization.', 'p_provider_id');
  end if;
  if v_service.provider_id is not null and v_service.provider_id <> p_provider_id then
    perform private.raise_error('INVALID_REQUEST', 'This service is offered by another provider.', 'p_provider_id');
  end if;

  v_type := private.resolve_session_type(v_service.organization_id, null, v_service.session_type_id);
  v_length := make_interval(mins => v_type.duration_minutes);
  v_step := make_interval(mins => coalesce(v_service.slot_step_minutes, v_type.duration_minutes));
  select o.timezone into v_tz from public.organizations o where o.id = v_service.organization_id;

  v_free := private.provider_availability(v_service.organization_id, p_provider_id, p_from, p_to);
  if isempty(v_free) then
    return;
  end if;
  -- the organization's closures block every provider
  v_free := v_free - coalesce((
    select range_agg(tstzrange(c.starts_at, c.ends_at))
    from private.organization_closures_within(array[v_service.organization_id], tstzrange(lower(v_free), upper(v_free))) as c
  ), '{}'::tstzmultirange);
  if isempty(v_free) then
    return;
  end if;
  -- a client asking sees no slot in a period where they already hold the service's limit
  if v_service.max_bookings_per_client is not null
     and private.member_role(v_service.organization_id, (select auth.uid())) = 'client' then
    v_client_full := coalesce((
      select range_agg(f.period)
      from private.client_full_periods(v_service, (select auth.uid()), tstzrange(lower(v_free), upper(v_free))) as f
    ), '{}'::tstzmultirange);
  end if;
  v_busy := private.provider_busy(
    p_provider_id, tstzrange(lower(v_free), upper(v_free)),
    v_service.buffer_before_minutes, v_service.buffer_after_minutes
  );
  v_earliest := now() + make_interval(mins => v_service.min_notice_minutes);
  v_latest := case when v_service.max_advance_days is not null
                   then now() + make_interval(days => v_service.max_advance_days) end;

  return query
    with windows as (
      select w.r from unnest(v_free) as w (r)
    ),
    candidates as (
      select lower(w.r) + g.k * v_step as slot_start
      from windows w
      cross join lateral generate_series(
        0,
        floor(extract(epoch from upper(w.r) - lower(w.r) - v_length) / extract(epoch from v_step))::integer
      ) as g (k)
    ),
    day_counts as (
      select x.day, sum(x.booked) as booked
      from (
        select (ss.starts_at at time zone v_tz)::date as day, count(*) as booked
        from public.service_sessions ss
        where v_service.max_bookings_per_day is not null
          and ss.provider_id = p_provider_id
          and ss.service_id = v_service.id
          and ss.kind = 'individual'
          and ss.status <> 'cancelled'
          and ss.current_participants > 0
          and ss.starts_at >= lower(v_free) - interval '1 day'
          and ss.starts_at < upper(v_free) + interval '1 day'
        group by 1
        union all
        -- occurrences recurring series of this service hold take their place in the day too
        select (h.starts_at at time zone v_tz)::date, count(*)
        from private.series_holds(
          array[p_provider_id], tstzrange(lower(v_free) - interval '1 day', upper(v_free) + interval '1 day')
        ) as h
        where v_service.max_bookings_per_day is not null
          and h.service_id = v_service.id
        group by 1
      ) as x
      group by x.day
    )
    select c.slot_start, c.slot_start + v_length
    from candidates c
    where c.slot_start >= v_earliest
      and c.slot_start > now()
      and (v_latest is null or c.slot_start <= v_latest)
      and not (v_busy && tstzrange(c.slot_start, c.slot_start + v_length))
      and not (v_client_full @> c.slot_start)
      and not exists (
        select 1 from day_counts dc
        where dc.day = (c.slot_start at time zone v_tz)::date
          and dc.booked >= v_service.max_bookings_per_day
      )
    order by c.slot_start;
end
$$;

comment on function private.service_slots(public.services, uuid, date, date) is
  'The slot computation behind get_available_slots and get_public_available_slots (callers check who asks and the arguments): SERVICE_INACTIVE, NOT_FOUND (provider not an accepted provider-capable member), INVALID_REQUEST (another provider''s service), then the free slots of the service with the provider between local dates p_from and p_to: every slot_step_minutes (default: the session length) from the start of each window, minus the organization''s closures, and for a client of the organization asking, minus the periods where they hold max_bookings_per_client.';

revoke all on function private.service_slots(public.services, uuid, date, date) from public, anon, authenticated;
grant execute on function private.service_slots(public.services, uuid, date, date) to service_role;

create or replace function public.get_available_slots(
  p_provider_id uuid,
  p_service_id uuid,
  p_from date,
  p_to date
)
returns table (starts_at timestamptz, ends_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_service public.services;
begin
  perform private.require_slot_search(p_provider_id, p_service_id, p_from, p_to);

  select sv.* into v_service from public.services sv where sv.id = p_service_id;
  if v_service.id is null then
    perform private.raise_error('NOT_FOUND', 'Service not found.', 'p_service_id');
  end if;
  perform private.require_org_role(v_service.organization_id, null, 'p_service_id');

  return query
    select s.starts_at, s.ends_at from private.service_slots(v_service, p_provider_id, p_from, p_to) as s;
end
$$;

comment on function public.get_available_slots(uuid, uuid, date, date) is
  'Bookable slots (starts_at, ends_at) of a service with a provider between local dates p_from and p_to (at most 92 days): availability rules minus exceptions (all-day and partial) minus the organization''s closures minus existing sessions with buffers, slot length = the service''s session type, a slot every slot_step_minutes (default: the length) from the start of each available window, in the organization''s time zone across DST, honouring min_notice_minutes, max_advance_days, max_bookings_per_day and, for a client asking, max_bookings_per_client. Any member of the organization. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = field), NOT_FOUND, SERVICE_INACTIVE.';

revoke execute on function public.get_available_slots(uuid, uuid, date, date) from public, anon;
grant execute on function public.get_available_slots(uuid, uuid, date, date) to authenticated, service_role;
