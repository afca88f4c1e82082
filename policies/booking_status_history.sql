-- booking_status_history: read by whoever may read the booking (its client and provider, the
-- organization's owners/admins). Written only by the bookings trigger; append-only.

drop policy if exists booking_status_history_select_parties on public.booking_status_history;
create policy booking_status_history_select_parties on public.booking_status_history
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or private.booking_party_role(booking_id) is not null
  );
