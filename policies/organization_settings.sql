-- organization_settings: members read their organization's settings; owners/admins write them
-- (the row itself is normally created by ensure_organization_settings()). Nobody deletes it.

drop policy if exists organization_settings_select_members on public.organization_settings;
create policy organization_settings_select_members on public.organization_settings
  for select to authenticated
  using (private.is_member(organization_id));

drop policy if exists organization_settings_insert_owner_admin on public.organization_settings;
create policy organization_settings_insert_owner_admin on public.organization_settings
  for insert to authenticated
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists organization_settings_update_owner_admin on public.organization_settings;
create policy organization_settings_update_owner_admin on public.organization_settings
  for update to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']))
  with check (private.has_role(organization_id, array['owner', 'admin']));
