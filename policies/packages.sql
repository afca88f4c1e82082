-- packages: every member reads their organization's packages (clients choose what to book);
-- owners/admins create, edit and delete them.

drop policy if exists packages_select_members on public.packages;
create policy packages_select_members on public.packages
  for select to authenticated
  using (private.is_member(organization_id));

drop policy if exists packages_insert_owner_admin on public.packages;
create policy packages_insert_owner_admin on public.packages
  for insert to authenticated
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists packages_update_owner_admin on public.packages;
create policy packages_update_owner_admin on public.packages
  for update to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']))
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists packages_delete_owner_admin on public.packages;
create policy packages_delete_owner_admin on public.packages
  for delete to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
