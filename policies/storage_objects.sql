-- storage.objects in the meeting-recordings bucket: the files of meeting_recordings, at
-- <organization_id>/<booking_id>/<file>. (Other buckets are not this project's: no policy here
-- touches them.) As on Supabase, a migration may create and drop policies on storage.objects
-- but not alter the table or comment on its policies.
--  * read: whoever may read a recording row of the object's organization (its first folder)
--    pointing at the object - meeting_recordings' own RLS decides, read as the caller, so the
--    two never disagree: owners/admins, the session's provider, the client when the organization
--    shares recordings. A row of another organization naming the path grants nothing.
--  * upload, replace, delete: owners/admins of the organization in the first folder (the
--    recording pipeline uses service_role). Deleting a file through the Storage API leaves its
--    metadata; deleting the metadata (or retention) removes the object row and announces the
--    file with a recording.purged event.

drop policy if exists meeting_recordings_objects_select on storage.objects;
create policy meeting_recordings_objects_select on storage.objects
  for select to authenticated
  using (
    bucket_id = 'meeting-recordings'
    and exists (
      select 1 from public.meeting_recordings r
      where r.storage_path = objects.name
        and r.organization_id = private.uuid_or_null((storage.foldername(objects.name))[1])
    )
  );

drop policy if exists meeting_recordings_objects_insert on storage.objects;
create policy meeting_recordings_objects_insert on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'meeting-recordings'
    and private.has_role(private.uuid_or_null((storage.foldername(name))[1]), array['owner', 'admin'])
  );

drop policy if exists meeting_recordings_objects_update on storage.objects;
create policy meeting_recordings_objects_update on storage.objects
  for update to authenticated
  using (
    bucket_id = 'meeting-recordings'
    and private.has_role(private.uuid_or_null((storage.foldername(name))[1]), array['owner', 'admin'])
  )
  with check (
    bucket_id = 'meeting-recordings'
    and private.has_role(private.uuid_or_null((storage.foldername(name))[1]), array['owner', 'admin'])
  );

drop policy if exists meeting_recordings_objects_delete on storage.objects;
create policy meeting_recordings_objects_delete on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'meeting-recordings'
    and private.has_role(private.uuid_or_null((storage.foldername(name))[1]), array['owner', 'admin'])
  );
