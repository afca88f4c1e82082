-- Only a person who agreed to work for an organization can be put on its calendar. The overlap
-- guarantee (service_sessions_no_overlap_*) keeps a provider's time one calendar across every
-- organization; without this rule any organization could fill a stranger's time with a session
-- and make them unbookable everywhere. So, whoever writes the rows (RPCs, staff through
-- PostgREST, service_role, backfills, the recurring dispatcher): a session that occupies time
-- (not cancelled) is placed - inserted, moved, handed to another provider or revived - only for a
-- provider with an accepted owner/admin/provider membership of the session's organization. The
-- membership rows are locked (for share, once per statement) so a concurrent leave or demotion
-- (which checks for upcoming sessions) waits.

create or replace function private.require_session_providers(p_organization_ids uuid[], p_provider_ids uuid[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.lock_memberships(p_organization_ids, p_provider_ids);
  if exists (
    select 1
    from unnest(p_organization_ids, p_provider_ids) as x (organization_id, provider_id)
    where not exists (
      select 1
      from private.provider_memberships() as m
      where m.organization_id = x.organization_id and m.user_id = x.provider_id
    )
  ) then
    perform private.raise_error(
      'NOT_FOUND',
      'Provider not found in this organization: sessions are scheduled only for its accepted providers.',
      'provider_id'
    );
  end if;
end
$$;

comment on function private.require_session_providers(uuid[], uuid[]) is
  'NOT_FOUND (hint provider_id) unless every (organization, provider) pair holds an accepted owner/admin/provider membership; locks those membership rows (for share) against a concurrent leave or demotion.';

revoke all on function private.require_session_providers(uuid[], uuid[]) from public, anon, authenticated;
grant execute on function private.require_session_providers(uuid[], uuid[]) to service_role;

create or replace function private.service_sessions_require_provider()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_orgs uuid[];
  v_providers uuid[];
begin
  if not exists (select 1 from new_rows) then
    return null;  -- a statement that wrote nothing (they fire too): nothing to do, no nested writes
  end if;
  if tg_op = 'INSERT' then
    select array_agg(n.organization_id), array_agg(n.provider_id) into v_orgs, v_providers
    from new_rows as n
    where n.status <> 'cancelled';
  else
    -- only what puts something new on someone's calendar: moved, handed over or revived
    select array_agg(n.organization_id), array_agg(n.provider_id) into v_orgs, v_providers
    from new_rows as n
    join old_rows as o on o.id = n.id
    where n.status <> 'cancelled'
      and (o.status = 'cancelled'
           or (n.provider_id, n.organization_id, n.starts_at, n.ends_at)
              is distinct from (o.provider_id, o.organization_id, o.starts_at, o.ends_at));
  end if;
  if v_orgs is not null then
    perform private.require_session_providers(v_orgs, v_providers);
  end if;
  return null;
end
$$;

comment on function private.service_sessions_require_provider() is
  'AFTER INSERT / AFTER UPDATE statement trigger on service_sessions (every writer): the sessions that occupy time anew are placed only for accepted provider-capable members of their organization (private.require_session_providers: NOT_FOUND, hint provider_id; membership rows locked for share).';

revoke all on function private.service_sessions_require_provider() from public, anon, authenticated;
