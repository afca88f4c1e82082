-- service_sessions: members read their organization's sessions (clients join workshops and
-- courses); owners/admins manage all of them, a provider manages the sessions they run.

drop policy if exists service_sessions_select_members on public.service_sessions;
create policy service_sessions_select_members on public.service_sessions
  for select to authenticated
  using (private.is_member(organization_id));

drop policy if exists service_sessions_insert_staff on public.service_sessions;
create policy service_sessions_insert_staff on public.service_sessions
  for insert to authenticated
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists service_sessions_update_staff on public.service_sessions;
create policy service_sessions_update_staff on public.service_sessions
  for update to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  )
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists service_sessions_delete_owner_admin on public.service_sessions;
create policy service_sessions_delete_owner_admin on public.service_sessions
  for delete to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
