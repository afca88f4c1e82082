-- subscriptions: owners/admins see and manage their organization's subscriptions; a client
-- sees their own; a provider sees the subscriptions (and so the balances) of the clients they
-- work with (private.can_view_subscription, the same predicate subscription_balance() uses).
-- Other organizations see nothing. Credits are spent and restored by the database, not by
-- writing this table.

drop policy if exists subscriptions_select_owner_admin_or_client on public.subscriptions;
drop policy if exists subscriptions_select_visible on public.subscriptions;
create policy subscriptions_select_visible on public.subscriptions
  for select to authenticated
  using (private.can_view_subscription(organization_id, client_id));

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
