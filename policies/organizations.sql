-- organizations: members read their organizations; owners/admins update them.
-- Created only through create_organization(); deleted only by service_role (bypasses RLS).

drop policy if exists organizations_select_members on public.organizations;
create policy organizations_select_members on public.organizations
  for select to authenticated
  using (private.is_member(id));

drop policy if exists organizations_update_owner_admin on public.organizations;
create policy organizations_update_owner_admin on public.organizations
  for update to authenticated
  using (private.has_role(id, array['owner', 'admin']))
  with check (private.has_role(id, array['owner', 'admin']));
