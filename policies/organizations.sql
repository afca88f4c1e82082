-- organizations: members read their organizations, and an invited user reads the organization
-- that invited them (its name, to decide) - nothing else of it until they accept; owners/admins
-- update them. Created only through create_organization(); deleted only by service_role.

drop policy if exists organizations_select_members on public.organizations;
create policy organizations_select_members on public.organizations
  for select to authenticated
  using (
    private.is_member(id)
    or exists (
      select 1 from public.organization_members m
      where m.organization_id = organizations.id
        and m.user_id = (select auth.uid())
    )
  );

drop policy if exists organizations_update_owner_admin on public.organizations;
create policy organizations_update_owner_admin on public.organizations
  for update to authenticated
  using (private.has_role(id, array['owner', 'admin']))
  with check (private.has_role(id, array['owner', 'admin']));
