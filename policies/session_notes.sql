-- session_notes (seed 002): the provider who wrote a note reads and amends it (until it locks,
-- enforced by trigger), the client of the booking reads it, owners/admins read all and are the
-- only ones who delete. Providers write notes of their own bookings only.

drop policy if exists session_notes_select_author_client_admin on public.session_notes;
create policy session_notes_select_author_client_admin on public.session_notes
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (provider_id = (select auth.uid()) and private.is_member(organization_id))
    or private.booking_party_role(booking_id) = 'client'
  );

drop policy if exists session_notes_insert_booking_provider on public.session_notes;
create policy session_notes_insert_booking_provider on public.session_notes
  for insert to authenticated
  with check (
    provider_id = (select auth.uid())
    and private.booking_party_role(booking_id) = 'provider'
  );

drop policy if exists session_notes_update_author on public.session_notes;
create policy session_notes_update_author on public.session_notes
  for update to authenticated
  using (provider_id = (select auth.uid()) and private.is_member(organization_id))
  with check (provider_id = (select auth.uid()) and private.is_member(organization_id));

drop policy if exists session_notes_delete_owner_admin on public.session_notes;
create policy session_notes_delete_owner_admin on public.session_notes
  for delete to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
