-- webhook_deliveries: owners/admins read their organization's delivery log; only the outbox
-- worker writes it (record_webhook_attempt, service_role).

drop policy if exists webhook_deliveries_select_owner_admin on public.webhook_deliveries;
create policy webhook_deliveries_select_owner_admin on public.webhook_deliveries
  for select to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
