-- Booking rules about the service and the people (registry: functions/rules/registry.sql).
-- Each rule: plain SQL (no SET, schema-qualified) so private.booking_rule_failures inlines it;
-- returns (n, code, detail, hint) for the candidates it refuses.

-- private.provider_memberships(): the one definition of "may be put on the organization's
-- calendar" - an accepted owner/admin/provider membership. A plain SQL set-returning function (no
-- SET, no sublink): the planner inlines it into its callers' queries as the table scan it is.
create or replace function private.provider_memberships()
returns table (organization_id uuid, user_id uuid)
language sql
stable
as $$
  select m.organization_id, m.user_id
  from public.organization_members as m
  where m.status = 'accepted'
    and m.role in ('owner', 'admin', 'provider')
$$;

comment on function private.provider_memberships() is
  'The (organization, user) pairs whose sessions may occupy the user''s time: accepted owner/admin/provider memberships (rules provider_member and free_time, series holds, the provider check of service_sessions, integrity_report).';

revoke all on function private.provider_memberships() from public, anon, authenticated;
grant execute on function private.provider_memberships() to service_role;

create or replace function private.rule_service_offered(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  -- only for something new: a session or booking of a service retired since is still moved
  select
    c.n,
    case when sv.id is null or sv.organization_id is distinct from c.organization_id then 'NOT_FOUND' else 'SERVICE_INACTIVE' end,
    case when sv.id is null or sv.organization_id is distinct from c.organization_id
         then 'Service not found in this organization.'
         else format('Service "%s" is no longer offered.', sv.name) end,
    'service_id'
  from unnest(p_candidates) as c
  left join public.services as sv on sv.id = c.service_id
  where c.purpose = any (private.rule_purposes('service_offered'))
    and c.exclude_session_id is null
    and c.exclude_booking_id is null
    and (sv.id is null or sv.organization_id is distinct from c.organization_id or not sv.is_active)
$$;

comment on function private.rule_service_offered(private.booking_candidate[], boolean) is
  'Rule service_offered: NOT_FOUND (service not of the organization), SERVICE_INACTIVE (retired) for anything new.';

create or replace function private.rule_provider_member(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select c.n, 'NOT_FOUND', 'Provider not found in this organization.', 'provider_id'
  from unnest(p_candidates) as c
  where c.purpose = any (private.rule_purposes('provider_member'))
    and not exists (
      select 1
      from private.provider_memberships() as m
      where m.organization_id = c.organization_id and m.user_id = c.provider_id
    )
$$;

comment on function private.rule_provider_member(private.booking_candidate[], boolean) is
  'Rule provider_member: NOT_FOUND unless the provider holds an accepted owner/admin/provider membership of the organization.';

create or replace function private.rule_service_provider(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select c.n, 'INVALID_REQUEST', 'This service is offered by another provider.', 'provider_id'
  from unnest(p_candidates) as c
  join public.services as sv on sv.id = c.service_id
  where c.purpose = any (private.rule_purposes('service_provider'))
    and sv.provider_id is not null
    and sv.provider_id is distinct from c.provider_id
$$;

comment on function private.rule_service_provider(private.booking_candidate[], boolean) is
  'Rule service_provider: INVALID_REQUEST when the service is tied to another provider.';

create or replace function private.rule_client_member(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select c.n, 'NOT_FOUND', 'Client not found in this organization.', 'client_id'
  from unnest(p_candidates) as c
  where c.purpose = any (private.rule_purposes('client_member'))
    and c.client_id is not null
    and not exists (
      select 1
      from public.organization_members as m
      where m.organization_id = c.organization_id
        and m.user_id = c.client_id
        and m.status = 'accepted'
        and m.role = 'client'
    )
$$;

comment on function private.rule_client_member(private.booking_candidate[], boolean) is
  'Rule client_member: NOT_FOUND unless the client holds an accepted client membership of the organization.';

create or replace function private.rule_anonymous_booking(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  -- a Supabase anonymous sign-in booking for themself: only where the organization takes them,
  -- and only as the booking kind it sets (organization_settings.public_booking_*)
  select
    c.n,
    'FORBIDDEN',
    case when not coalesce(s.public_booking_allows_anonymous, false)
         then 'This organization does not take bookings from anonymous sign-ins: sign in with an account.'
         else format('Anonymous sign-ins book here as %s.', s.public_booking_anonymous_kind) end,
    case when not coalesce(s.public_booking_allows_anonymous, false) then 'is_anonymous' else 'booking_kind' end
  from unnest(p_candidates) as c
  left join public.organization_settings as s on s.organization_id = c.organization_id
  where c.purpose = any (private.rule_purposes('anonymous_booking'))
    and c.client_id is not null
    and c.client_id = (select auth.uid())
    and private.is_anonymous_caller()
    and (not coalesce(s.public_booking_allows_anonymous, false)
         or c.booking_kind is distinct from s.public_booking_anonymous_kind)
$$;

comment on function private.rule_anonymous_booking(private.booking_candidate[], boolean) is
  'Rule anonymous_booking: an anonymous sign-in (JWT is_anonymous) booking for themself needs organization_settings.public_booking_allows_anonymous (else FORBIDDEN, hint is_anonymous) and books only as public_booking_anonymous_kind (else FORBIDDEN, hint booking_kind).';

revoke all on function private.rule_service_offered(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_provider_member(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_service_provider(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_client_member(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_anonymous_booking(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_service_offered(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_provider_member(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_service_provider(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_client_member(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_anonymous_booking(private.booking_candidate[], boolean) to service_role;

-- private.lock_memberships(orgs[], users[]): the lock half of rules client_member and
-- provider_member. Every path that creates a booking (or a series) for a client takes it for the
-- client before it asks the rules (and the service_sessions trigger for the provider), so a
-- concurrent leave, removal or demotion (organization_members_guard_departure: the row is locked
-- for update, then it looks for live bookings and upcoming sessions) either waits for the booking
-- to commit and sees it (CONFLICT), or commits first and the rule then finds no membership
-- (NOT_FOUND): never a booking for someone who is no longer a member. Set-based, in a fixed order
-- ((organization, user)), so bookers locking many memberships at once (the dispatcher) never
-- deadlock each other. Lock order (docs/scheduling.md "Concurrency"): memberships come before
-- the series rows and waitlist entries a booking path locks, because a leave holds the membership
-- and then ends the member's series and waitlist entries.
create or replace function private.lock_memberships(p_organization_ids uuid[], p_user_ids uuid[])
returns void
language plpgsql
security definer
set search_path = ''
-- planned once per session (an index probe per pair either way), not at every booking
set plan_cache_mode = force_generic_plan
as $$
begin
  perform 1
  from public.organization_members as m
  where (m.organization_id, m.user_id) in (
          select x.organization_id, x.user_id
          from unnest(p_organization_ids, p_user_ids) as x (organization_id, user_id)
          where x.user_id is not null
        )
    and m.status = 'accepted'
  order by m.organization_id, m.user_id
  for share of m;
end
$$;

comment on function private.lock_memberships(uuid[], uuid[]) is
  'Locks the accepted memberships of the (organization, user) pairs for share, in (organization, user) order: every path that creates bookings or series takes the client''s before it asks the booking rules (rule client_member), the service_sessions trigger the provider''s (private.require_session_providers), so a concurrent leave, removal or demotion either sees the new booking or session (CONFLICT) or commits first (the rule answers NOT_FOUND). Absent memberships are skipped: the rules refuse them.';

revoke all on function private.lock_memberships(uuid[], uuid[]) from public, anon, authenticated;
grant execute on function private.lock_memberships(uuid[], uuid[]) to service_role;
