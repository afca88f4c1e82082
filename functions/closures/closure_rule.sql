-- The closure rule (issue 14): nothing of an organization may take place while it is closed.
--   private.organization_closures_within(orgs[], window)  the closures of these organizations
--     overlapping a window, set-based (GiST index, one probe per organization): slot search
--     subtracts them, the recurring dispatcher's set-based step joins them, and
--   private.assert_organization_open(org, starts, ends, hint)  the one-row form every booking
--     path calls: ORGANIZATION_CLOSED (PT422) when [starts, ends) overlaps a closure, the detail
--     naming it in the organization's local time.
-- Callers: private.assert_slot_bookable (1-to-1 bookings, legacy inserts, treatments, the
-- dispatcher's exact path, moving a 1-to-1 booking), private.assert_session_schedulable
-- (create_service_session, staff writing sessions), private.join_service_session (book_session,
-- waitlist promotions) and reschedule_booking's workshop branch.

create or replace function private.organization_closures_within(p_organization_ids uuid[], p_window tstzrange)
returns setof public.organization_closures
language sql
stable
security definer
set search_path = ''
as $$
  select c.*
  from unnest(p_organization_ids) as o (id)
  join public.organization_closures as c
    on c.organization_id = o.id
   and tstzrange(c.starts_at, c.ends_at) && p_window
$$;

comment on function private.organization_closures_within(uuid[], tstzrange) is
  'Closures of the given organizations overlapping p_window (set-based; the closure rule''s source for slot search, the dispatcher and private.assert_organization_open).';

revoke all on function private.organization_closures_within(uuid[], tstzrange) from public, anon, authenticated;
grant execute on function private.organization_closures_within(uuid[], tstzrange) to service_role;

create or replace function private.assert_organization_open(
  p_organization_id uuid,
  p_starts_at timestamptz,
  p_ends_at timestamptz,
  p_hint text default 'p_starts_at'
)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_closure public.organization_closures;
  v_tz text;
begin
  select c.* into v_closure
  from private.organization_closures_within(array[p_organization_id], tstzrange(p_starts_at, p_ends_at)) as c
  order by c.starts_at
  limit 1;
  if v_closure.id is not null then
    select o.timezone into v_tz from public.organizations as o where o.id = p_organization_id;
    perform private.raise_error(
      'ORGANIZATION_CLOSED',
      format('The organization is closed from %s to %s (%s): %s.',
             to_char(v_closure.starts_at at time zone v_tz, 'YYYY-MM-DD HH24:MI'),
             to_char(v_closure.ends_at at time zone v_tz, 'YYYY-MM-DD HH24:MI'),
             v_tz, v_closure.reason),
      p_hint
    );
  end if;
end
$$;

comment on function private.assert_organization_open(uuid, timestamptz, timestamptz, text) is
  'ORGANIZATION_CLOSED (PT422, hint p_hint) when [p_starts_at, p_ends_at) overlaps a closure of the organization; the detail names the closure in the organization''s local time and its reason.';

revoke all on function private.assert_organization_open(uuid, timestamptz, timestamptz, text) from public, anon, authenticated;
grant execute on function private.assert_organization_open(uuid, timestamptz, timestamptz, text) to service_role;
