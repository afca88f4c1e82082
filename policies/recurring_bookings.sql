-- recurring_bookings (seed 002): the client manages their own series (read, create, pause,
-- change, delete), the provider reads the series they run, owners/admins manage all of their
-- organization's. Staff set up series for clients through create_recurring_booking().

drop policy if exists recurring_bookings_select_parties on public.recurring_bookings;
create policy recurring_bookings_select_parties on public.recurring_bookings
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (user_id = (select auth.uid()) and private.is_member(organization_id))
    or (specialist_id = (select auth.uid()) and private.is_member(organization_id))
  );

drop policy if exists recurring_bookings_insert_own on public.recurring_bookings;
create policy recurring_bookings_insert_own on public.recurring_bookings
  for insert to authenticated
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (user_id = (select auth.uid()) and private.has_role(organization_id, array['client']))
  );

drop policy if exists recurring_bookings_update_own on public.recurring_bookings;
create policy recurring_bookings_update_own on public.recurring_bookings
  for update to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (user_id = (select auth.uid()) and private.has_role(organization_id, array['client']))
  )
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (user_id = (select auth.uid()) and private.has_role(organization_id, array['client']))
  );

drop policy if exists recurring_bookings_delete_own on public.recurring_bookings;
create policy recurring_bookings_delete_own on public.recurring_bookings
  for delete to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (user_id = (select auth.uid()) and private.has_role(organization_id, array['client']))
  );
