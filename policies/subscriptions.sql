-- subscriptions: owners/admins see and manage their organization's subscriptions; a client
-- sees their own. Providers do not see clients' purchases.

drop policy if exists subscriptions_select_owner_admin_or_client on public.subscriptions;
create policy subscriptions_select_owner_admin_or_client on public.subscriptions
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (client_id = (select auth.uid()) and private.is_member(organization_id))
  );

drop policy if exists subscriptions_insert_owner_admin on public.subscriptions;
create policy subscriptions_insert_owner_admin on public.subscriptions
  for insert to authenticated
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists subscriptions_update_owner_admin on public.subscriptions;
create policy subscriptions_update_owner_admin on public.subscriptions
  for update to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']))
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists subscriptions_delete_owner_admin on public.subscriptions;
create policy subscriptions_delete_owner_admin on public.subscriptions
  for delete to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
