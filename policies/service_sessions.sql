-- service_sessions: owners/admins/providers read all of their organization's sessions; a client
-- reads public and unlisted ones (unlisted: not listed by frontends, joinable by id) and the
-- private ones they are booked into (their own 1-to-1 sessions), never other clients' private
-- sessions. Owners/admins manage all sessions, a provider the sessions they run (participant
-- counts and cancellations are guarded by triggers; bookings go through the booking RPCs).

drop policy if exists service_sessions_select_members on public.service_sessions;
create policy service_sessions_select_members on public.service_sessions
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin', 'provider'])
    or (
      private.is_member(organization_id)
      and (visibility is distinct from 'private' or private.has_booking_in_session(id))
    )
  );

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
