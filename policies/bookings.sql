-- bookings: owners/admins see and manage all of their organization's bookings; a provider sees
-- and updates the bookings they provide; a client sees their own (clients book and cancel
-- through RPCs, never by writing the table). Only owners/admins delete.

drop policy if exists bookings_select_participants on public.bookings;
create policy bookings_select_participants on public.bookings
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.is_member(organization_id))
    or (client_id = (select auth.uid()) and private.is_member(organization_id))
  );

drop policy if exists bookings_insert_staff on public.bookings;
create policy bookings_insert_staff on public.bookings
  for insert to authenticated
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists bookings_update_staff on public.bookings;
create policy bookings_update_staff on public.bookings
  for update to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  )
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists bookings_delete_owner_admin on public.bookings;
create policy bookings_delete_owner_admin on public.bookings
  for delete to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
