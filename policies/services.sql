-- services: every member reads their organization's services (clients choose what to book);
-- owners/admins create, edit and delete them.

drop policy if exists services_select_members on public.services;
create policy services_select_members on public.services
  for select to authenticated
  using (private.is_member(organization_id));

drop policy if exists services_insert_owner_admin on public.services;
create policy services_insert_owner_admin on public.services
  for insert to authenticated
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists services_update_owner_admin on public.services;
create policy services_update_owner_admin on public.services
  for update to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']))
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists services_delete_owner_admin on public.services;
create policy services_delete_owner_admin on public.services
  for delete to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
