-- The closure rule (issue 14): nothing of an organization may take place while it is closed. The
-- rule itself is the booking rule organization_open (functions/rules/organization_open.sql),
-- which every booking path, joining a waitlist and slot search ask with the other rules; here:
--   private.organization_closures_within(orgs[], window)  the closures of these organizations
--     overlapping a window, set-based (GiST index, one probe per organization), for the
--     recurring dispatcher's set-based step (an occurrence inside one takes the exact path).

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
  'Closures of the given organizations overlapping p_window (set-based): what the recurring dispatcher''s set-based step keeps away from (the rule itself: private.rule_organization_open).';

revoke all on function private.organization_closures_within(uuid[], tstzrange) from public, anon, authenticated;
grant execute on function private.organization_closures_within(uuid[], tstzrange) to service_role;
