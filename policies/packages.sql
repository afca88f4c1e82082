-- packages (seed 002's booking_packages): members read their organization's active packages
-- (clients choose what to buy); a provider also reads, creates, edits and deletes the packages
-- they offer (provider_id = themself), owners/admins all of them.

drop policy if exists packages_select_members on public.packages;
create policy packages_select_members on public.packages
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (is_active and private.is_member(organization_id))
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists packages_insert_owner_admin on public.packages;
drop policy if exists packages_insert_own_or_admin on public.packages;
create policy packages_insert_own_or_admin on public.packages
  for insert to authenticated
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists packages_update_owner_admin on public.packages;
drop policy if exists packages_update_own_or_admin on public.packages;
create policy packages_update_own_or_admin on public.packages
  for update to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  )
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists packages_delete_owner_admin on public.packages;
drop policy if exists packages_delete_own_or_admin on public.packages;
create policy packages_delete_own_or_admin on public.packages
  for delete to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );
