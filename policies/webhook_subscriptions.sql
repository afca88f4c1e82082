-- webhook_subscriptions: owners/admins of the organization read, update and delete their
-- endpoints; they are created only by create_webhook_subscription (which makes the secret), so
-- nobody inserts directly. The signing secret is in private.webhook_secrets, not here.

drop policy if exists webhook_subscriptions_select_owner_admin on public.webhook_subscriptions;
create policy webhook_subscriptions_select_owner_admin on public.webhook_subscriptions
  for select to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists webhook_subscriptions_update_owner_admin on public.webhook_subscriptions;
create policy webhook_subscriptions_update_owner_admin on public.webhook_subscriptions
  for update to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']))
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists webhook_subscriptions_delete_owner_admin on public.webhook_subscriptions;
create policy webhook_subscriptions_delete_owner_admin on public.webhook_subscriptions
  for delete to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
