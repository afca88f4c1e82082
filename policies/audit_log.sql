-- audit_log: owners/admins read their organization's entries; system-wide entries (no
-- organization) are for service_role only. Nobody writes it directly: definer functions do.

drop policy if exists audit_log_select_owner_admin on public.audit_log;
create policy audit_log_select_owner_admin on public.audit_log
  for select to authenticated
  using (
    organization_id is not null
    and private.has_role(organization_id, array['owner', 'admin'])
  );
