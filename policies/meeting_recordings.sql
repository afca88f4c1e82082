-- meeting_recordings (seed 002): owners/admins and the session's provider read the metadata;
-- the booking's client too when the organization shares recordings with clients
-- (organization_settings.share_recordings_with_clients, read as the caller: members read their
-- organization's settings). The files in the meeting-recordings bucket follow the same rule
-- (policies/storage_objects.sql reads this table as the caller). Only owners/admins (and
-- service_role, the post-processing pipeline) write it.

drop policy if exists meeting_recordings_select_parties on public.meeting_recordings;
create policy meeting_recordings_select_parties on public.meeting_recordings
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or private.booking_party_role(booking_id) = 'provider'
    or (private.booking_party_role(booking_id) = 'client'
        and exists (
          select 1 from public.organization_settings s
          where s.organization_id = meeting_recordings.organization_id
            and s.share_recordings_with_clients
        ))
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
