-- The closure rule (issue 14): nothing of an organization may take place while it is closed. The
-- rule itself is the booking rule organization_open (functions/rules/organization_open.sql),
-- which every booking path and slot search ask with the other rules; here:
--   private.organization_closures_within(orgs[], window)  the closures of these organizations
--     overlapping a window, set-based (GiST index, one probe per organization);
--   private.assert_organization_open(org, starts, ends, hint)  the rule asked on its own
--     (joining a waitlist): ORGANIZATION_CLOSED (PT422) with the caller's hint.

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
  v_failure record;
begin
  -- the booking rule organization_open (functions/rules/organization_open.sql), asked on its own
  select f.code, f.detail into v_failure
  from private.rule_organization_open(
    array[private.new_candidate(purpose => 'schedule', organization_id => p_organization_id,
                                starts_at => p_starts_at, ends_at => p_ends_at)],
    false
  ) as f;
  if found then
    perform private.raise_error(v_failure.code, v_failure.detail, p_hint);
  end if;
end
$$;

comment on function private.assert_organization_open(uuid, timestamptz, timestamptz, text) is
  'The booking rule organization_open on its own: ORGANIZATION_CLOSED (PT422, hint p_hint) when [p_starts_at, p_ends_at) overlaps a closure of the organization; the detail names the closure in the organization''s local time and its reason.';

revoke all on function private.assert_organization_open(uuid, timestamptz, timestamptz, text) from public, anon, authenticated;
grant execute on function private.assert_organization_open(uuid, timestamptz, timestamptz, text) to service_role;
