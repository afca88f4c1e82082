-- bookings: owners/admins see all of their organization's bookings; a provider sees the
-- bookings they provide; a client sees their own. Writes (see
-- functions/bookings/bookings_user_writes.sql, the RLS write matrix in docs/security.md): staff
-- book for clients and a client books for themself by inserting a legacy 1-to-1 booking (routed
-- through the booking core, as book_individual_session); owners/admins and the booking's provider
-- update notes and statuses under the RPCs' rules; nobody deletes a booking (cancel it).

drop policy if exists bookings_select_participants on public.bookings;
create policy bookings_select_participants on public.bookings
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.is_member(organization_id))
    or (client_id = (select auth.uid()) and private.is_member(organization_id))
  );

drop policy if exists bookings_insert_staff on public.bookings;
drop policy if exists bookings_insert_members on public.bookings;
create policy bookings_insert_members on public.bookings
  for insert to authenticated
  with check (
    private.has_role(organization_id, array['owner', 'admin', 'provider'])
    or (client_id = (select auth.uid()) and private.has_role(organization_id, array['client']))
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

-- no delete policy (and no delete privilege): a booking is cancelled, never deleted
drop policy if exists bookings_delete_owner_admin on public.bookings;
