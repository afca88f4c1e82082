-- meeting_recordings (seed 002): the parties of the booking and owners/admins read the
-- metadata; only owners/admins (and service_role, the post-processing pipeline) write it.

drop policy if exists meeting_recordings_select_parties on public.meeting_recordings;
create policy meeting_recordings_select_parties on public.meeting_recordings
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or private.booking_party_role(booking_id) is not null
  );

drop policy if exists meeting_recordings_insert_owner_admin on public.meeting_recordings;
create policy meeting_recordings_insert_owner_admin on public.meeting_recordings
  for insert to authenticated
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists meeting_recordings_update_owner_admin on public.meeting_recordings;
create policy meeting_recordings_update_owner_admin on public.meeting_recordings
  for update to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']))
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists meeting_recordings_delete_owner_admin on public.meeting_recordings;
create policy meeting_recordings_delete_owner_admin on public.meeting_recordings
  for delete to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));
