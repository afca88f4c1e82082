-- outbox_events: owners/admins read their organization's events (delivery status); the
-- delivering worker is service_role. Events are written by definer functions only.

drop policy if exists outbox_events_select_owner_admin on public.outbox_events;
create policy outbox_events_select_owner_admin on public.outbox_events
  for select to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
