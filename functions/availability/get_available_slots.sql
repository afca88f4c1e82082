-- get_available_slots: the bookable start times of a service with a provider between two local
-- dates, computed by the database (seed 002 did this in the browser). Slots are laid out every
-- `slot_step_minutes` (default: the session length) from the start of each available window
-- (weekly rules and overrides minus exceptions, in the organization's / rule's time zone,
-- DST-correct), each as long as the session; each slot is a booking candidate (purpose search)
-- and the booking rules (functions/rules/) keep the ones a booking would pass: not in the past,
-- notice, booking window, the organization's closures, availability, free of sessions and series
-- holds with buffers, daily limit, and for a client asking, their limit per period. Booking asks
-- the same rules again.
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

-- (p_public_page was added for the public booking page: the four-argument signature goes)
drop function if exists private.service_slots(public.services, uuid, date, date);

create or replace function private.service_slots(
  p_service public.services,
  p_provider_id uuid,
  p_from date,
  p_to date,
  p_public_page boolean default false
)
returns table (starts_at timestamptz, ends_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_type_id uuid;
  v_length interval;
  v_step interval;
  v_client uuid;
  v_free tstzmultirange;
  v_candidates private.booking_candidate[];
begin
  -- the rules that need no time first (listed on the page, service offered, provider, session
  -- type): a probe
  select t.session_type_id, make_interval(mins => t.duration_minutes),
         make_interval(mins => coalesce(p_service.slot_step_minutes, t.duration_minutes))
  into v_type_id, v_length, v_step
  from private.session_type_for(p_service.organization_id, null, p_service.session_type_id) as t;
  perform private.assert_bookable(private.new_candidate(
    purpose => 'search',
    organization_id => p_service.organization_id,
    service_id => p_service.id,
    provider_id => p_provider_id,
    session_type_id => v_type_id,
    public_page => p_public_page
  ));

  v_free := private.provider_availability(p_service.organization_id, p_provider_id, p_from, p_to);
  if isempty(v_free) then
    return;
  end if;

  -- a client asking is asked about too (the limit per client and period)
  if private.member_role(p_service.organization_id, (select auth.uid())) = 'client' then
    v_client := (select auth.uid());
  end if;

  -- a slot every slot_step_minutes (default: the session length) from the start of each
  -- available window, as long as the session; each is a candidate, the rules keep the bookable
  select coalesce(array_agg(private.new_candidate(
           purpose => 'search',
           organization_id => p_service.organization_id,
           service_id => p_service.id,
           provider_id => p_provider_id,
           client_id => v_client,
           starts_at => s.slot_start,
           ends_at => s.slot_start + v_length,
           session_type_id => v_type_id,
           n => s.n,
           public_page => p_public_page
         )), '{}')
  into v_candidates
  from (
    select (row_number() over (order by lower(w.r), g.k))::integer as n, lower(w.r) + g.k * v_step as slot_start
    from unnest(v_free) as w (r)
    cross join lateral generate_series(
      0,
      floor(extract(epoch from upper(w.r) - lower(w.r) - v_length) / extract(epoch from v_step))::integer
    ) as g (k)
  ) as s;

  return query
    select c.starts_at, c.ends_at
    from unnest(v_candidates) as c
    where c.n not in (select f.n from private.booking_rule_failures(v_candidates, false) as f)
    order by c.starts_at;
end
$$;

comment on function private.service_slots(public.services, uuid, date, date, boolean) is
  'The slot computation behind get_available_slots and get_public_available_slots (callers check who asks and the arguments; p_public_page: the page''s candidates, rule public_listing): a probe of the booking rules that need no time (NOT_FOUND unlisted on the page, SERVICE_INACTIVE, NOT_FOUND provider, INVALID_REQUEST another provider''s service, the session type), then a slot every slot_step_minutes (default: the session length) of the provider''s availability between local dates p_from and p_to, each a candidate of purpose search (with the caller as client when they are a client of the organization), kept when no booking rule refuses it.';

revoke all on function private.service_slots(public.services, uuid, date, date, boolean) from public, anon, authenticated;
grant execute on function private.service_slots(public.services, uuid, date, date, boolean) to service_role;

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
