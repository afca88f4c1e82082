-- availability_rules: every member reads their organization's providers' weekly hours (to
-- pick a time); a provider manages their own, owners/admins everyone's.

drop policy if exists availability_rules_select_members on public.availability_rules;
create policy availability_rules_select_members on public.availability_rules
  for select to authenticated
  using (private.is_member(organization_id));

drop policy if exists availability_rules_insert_own_or_admin on public.availability_rules;
create policy availability_rules_insert_own_or_admin on public.availability_rules
  for insert to authenticated
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists availability_rules_update_own_or_admin on public.availability_rules;
create policy availability_rules_update_own_or_admin on public.availability_rules
  for update to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  )
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists availability_rules_delete_own_or_admin on public.availability_rules;
create policy availability_rules_delete_own_or_admin on public.availability_rules
  for delete to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );
