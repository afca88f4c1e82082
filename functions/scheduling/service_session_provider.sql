-- Only a person who agreed to work for an organization can be put on its calendar. The exclusion
-- constraint service_sessions_provider_no_overlap keeps a provider's time one calendar across
-- every organization; without this rule any organization could fill a stranger's time with a
-- session and make them unbookable everywhere. So, whoever writes the row (RPCs, staff through
-- PostgREST, service_role, backfills): a session that occupies time (not cancelled) is placed -
-- inserted, moved, handed to another provider or revived - only for a provider with an accepted
-- owner/admin/provider membership of the session's organization. The membership row is locked
-- (for share) so a concurrent leave or demotion (which checks for upcoming sessions) waits.

create or replace function private.service_sessions_require_provider()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'cancelled' then
    return new;
  end if;
  if tg_op = 'UPDATE'
     and old.status <> 'cancelled'
     and new.provider_id = old.provider_id
     and new.organization_id = old.organization_id
     and new.starts_at = old.starts_at
     and new.ends_at = old.ends_at then
    return new;  -- nothing new on anyone's calendar
  end if;

  perform 1
  from public.organization_members m
  where m.organization_id = new.organization_id
    and m.user_id = new.provider_id
    and m.status = 'accepted'
    and m.role in ('owner', 'admin', 'provider')
  for share;
  if not found then
    perform private.raise_error(
      'NOT_FOUND',
      'Provider not found in this organization: sessions are scheduled only for its accepted providers.',
      'provider_id'
    );
  end if;
  return new;
end
$$;

comment on function private.service_sessions_require_provider() is
  'BEFORE INSERT/UPDATE trigger on service_sessions (every writer): a session that occupies time is placed only for a provider with an accepted owner/admin/provider membership of its organization (NOT_FOUND, hint provider_id); locks that membership row (for share) against a concurrent leave/demotion.';

revoke all on function private.service_sessions_require_provider() from public, anon;
