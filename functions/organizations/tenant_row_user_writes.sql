-- Tenant rows that users write directly through PostgREST (settings, the catalogue, working
-- hours and time off) stay in their organization, and a provider named on an offer is someone
-- who works there. For direct writes by signed-in users only (current_user anon/authenticated:
-- never our security definer functions); the rest of each table's rules are its own triggers'.
--   * organization_id never changes (a row does not move to another tenant);
--   * services.provider_id / packages.provider_id: null (any provider) or an accepted
--     owner/admin/provider of the organization - nobody's name is put on an offer of an
--     organization they never joined.

create or replace function private.tenant_row_admit_user_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_provider uuid;
begin
  if tg_op = 'UPDATE' and new.organization_id is distinct from old.organization_id then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('A %s row stays in its organization: organization_id cannot change.', tg_table_name),
      'organization_id'
    );
  end if;

  if tg_table_name in ('services', 'packages') and private.is_member(new.organization_id) then
    -- (outsiders are refused by row level security, and learn nothing about who works there)
    v_provider := (to_jsonb(new) ->> 'provider_id')::uuid;
    if v_provider is not null
       and (tg_op = 'INSERT' or v_provider is distinct from (to_jsonb(old) ->> 'provider_id')::uuid)
       and coalesce(private.member_role(new.organization_id, v_provider), '') not in ('owner', 'admin', 'provider') then
      perform private.raise_error('NOT_FOUND', 'Provider not found in this organization.', 'provider_id');
    end if;
  end if;
  return new;
end
$$;

comment on function private.tenant_row_admit_user_write() is
  'BEFORE INSERT/UPDATE trigger (direct writes by signed-in users) on organization_settings, services, packages, session_types, availability_rules and specialist_availability_exceptions: organization_id is fixed (INVALID_REQUEST); a service''s or package''s provider_id is null or an accepted provider-capable member (NOT_FOUND).';

revoke all on function private.tenant_row_admit_user_write() from public, anon;
