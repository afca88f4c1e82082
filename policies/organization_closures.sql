-- organization_closures: every member of the organization reads its closures (clients see when
-- the studio is closed); owners/admins insert, update and delete them (validated by the
-- organization_closures_before_write trigger, or with create_organization_closure).

drop policy if exists organization_closures_select_members on public.organization_closures;
create policy organization_closures_select_members on public.organization_closures
  for select to authenticated
  using (private.is_member(organization_id));

drop policy if exists organization_closures_insert_owner_admin on public.organization_closures;
create policy organization_closures_insert_owner_admin on public.organization_closures
  for insert to authenticated
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists organization_closures_update_owner_admin on public.organization_closures;
create policy organization_closures_update_owner_admin on public.organization_closures
  for update to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']))
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists organization_closures_delete_owner_admin on public.organization_closures;
create policy organization_closures_delete_owner_admin on public.organization_closures
  for delete to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
