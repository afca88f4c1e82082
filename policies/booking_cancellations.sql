-- booking_cancellations (seed 002): booking parties and owners/admins read them; a member
-- inserts one to cancel a booking - the BEFORE INSERT trigger runs cancel_booking's checks
-- (only the client, the provider or an admin may) and fills organization_id and cancelled_by.
-- No update or delete policies: cancellations are immutable (service_role excepted).

drop policy if exists booking_cancellations_select_parties on public.booking_cancellations;
create policy booking_cancellations_select_parties on public.booking_cancellations
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or private.booking_party_role(booking_id) is not null
  );

drop policy if exists booking_cancellations_insert_parties on public.booking_cancellations;
create policy booking_cancellations_insert_parties on public.booking_cancellations
  for insert to authenticated
  with check (
    cancelled_by = (select auth.uid())
    and (
      private.has_role(organization_id, array['owner', 'admin'])
      or private.booking_party_role(booking_id) is not null
    )
  );
