-- Recordings in Supabase Storage (seed 002: bucket "meeting-recordings", private, signed URLs).
-- Why: recording files live in Storage; the metadata rows (meeting_recordings) say who may see
-- them. This migration creates the private bucket (as a project's migration may: an insert into
-- storage.buckets; the storage schema itself belongs to Supabase, or locally to the compatibility
-- layer) and the organization setting deciding whether clients see their sessions' recordings.
-- The storage.objects policies (policies/storage_objects.sql) mirror the recordings' RLS:
-- an object <organization_id>/<booking_id>/<file> is readable by whoever may read a recording
-- row of that organization pointing at it; retention deletes object rows with their metadata
-- (functions/recordings/) and announces each file to remove with a recording.purged event.
-- meeting_recordings_storage_path_idx serves both lookups by path.

set local lock_timeout = '5s';

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('meeting-recordings', 'meeting-recordings', false, 5368709120,
        array['video/mp4', 'video/webm', 'video/quicktime', 'video/x-matroska'])
on conflict (id) do nothing;

alter table public.organization_settings
  add column share_recordings_with_clients boolean not null default true;

comment on column public.organization_settings.share_recordings_with_clients is 'Clients read the recordings (metadata and files in the meeting-recordings bucket) of their own sessions; false = only the session''s provider and owners/admins.';

create index meeting_recordings_storage_path_idx on public.meeting_recordings (storage_path);
