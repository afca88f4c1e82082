-- Meeting recordings: the row's organization is its booking's; a recording whose metadata goes
-- (the retention job, an admin, its booking or organization being deleted) takes its Storage
-- object row with it and announces the file with a recording.purged outbox event, so nothing
-- is orphaned; a pg_cron job (purge-expired-recordings, scheduled by migration 20261124010900)
-- deletes rows past expires_at or older than the organization's recording_retention_days.

create or replace function private.meeting_recordings_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_org uuid;
begin
  select b.organization_id into v_org from public.bookings b where b.id = new.booking_id;
  if v_org is null then
    perform private.raise_error('NOT_FOUND', 'Booking not found.', 'booking_id');
  end if;
  new.organization_id := v_org;
  return new;
end
$$;

comment on function private.meeting_recordings_before_write() is
  'BEFORE INSERT/UPDATE OF booking_id trigger on meeting_recordings: organization_id is always the booking''s.';

revoke all on function private.meeting_recordings_before_write() from public, anon;

create or replace function private.recording_past_retention(p_organization_id uuid, p_created_at timestamptz)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select p_created_at <= now() - make_interval(days => s.recording_retention_days)
    from public.organization_settings as s
    where s.organization_id = p_organization_id
      and s.recording_retention_days is not null
  ), false)
$$;

comment on function private.recording_past_retention(uuid, timestamptz) is
  'True when a recording made at p_created_at is older than its organization''s recording_retention_days (null = kept): the purge job deletes it, and its recording.purged event says retention.';

revoke all on function private.recording_past_retention(uuid, timestamptz) from public, anon, authenticated;
grant execute on function private.recording_past_retention(uuid, timestamptz) to service_role;

create or replace function private.meeting_recordings_after_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_object storage.objects;
begin
  -- the organization itself is being deleted: its outbox goes with it, nothing can be announced
  if not exists (select 1 from public.organizations o where o.id = old.organization_id) then
    return old;
  end if;

  -- Supabase refuses direct deletes from storage tables unless the statement says it means it
  perform set_config('storage.allow_delete_query', 'true', true);
  delete from storage.objects o
  where o.bucket_id = 'meeting-recordings' and o.name = old.storage_path
  returning o.* into v_object;
  perform set_config('storage.allow_delete_query', 'false', true);

  perform private.emit_event(old.organization_id, 'recording.purged', jsonb_build_object(
    'recording_id', old.id,
    'booking_id', old.booking_id,
    'bucket_id', 'meeting-recordings',
    'object_name', old.storage_path,
    'object_id', v_object.id,
    'object_version', v_object.version,
    'size_bytes', coalesce((v_object.metadata ->> 'size')::bigint, old.storage_size_bytes),
    'reason', case
      when old.expires_at <= now() then 'expired'
      when private.recording_past_retention(old.organization_id, old.created_at) then 'retention'
      else 'deleted'
    end
  ));
  return old;
end
$$;

comment on function private.meeting_recordings_after_delete() is
  'AFTER DELETE trigger on meeting_recordings: deletes the recording''s storage.objects row (bucket meeting-recordings) and emits recording.purged {recording_id, booking_id, bucket_id, object_name, object_id, object_version, size_bytes, reason: expired|retention|deleted} so a worker removes the file from the Storage backend. Nothing when the organization itself is being deleted.';

revoke all on function private.meeting_recordings_after_delete() from public, anon, authenticated;

create or replace function private.purge_expired_recordings()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_deleted integer;
  v_by_org jsonb;
begin
  -- the rows' trigger removes each object and announces it (reason expired or retention)
  with purged as (
    delete from public.meeting_recordings r
    where r.expires_at <= now()
       or private.recording_past_retention(r.organization_id, r.created_at)
    returning r.organization_id
  ),
  counts as (
    select p.organization_id, count(*) as deleted from purged p group by p.organization_id
  )
  select coalesce(sum(c.deleted), 0)::integer,
         coalesce(jsonb_object_agg(c.organization_id, c.deleted), '{}'::jsonb)
  into v_deleted, v_by_org
  from counts c;

  perform private.write_audit(
    null, 'recordings.purged', 'meeting_recordings', null, null,
    jsonb_build_object('deleted', v_deleted, 'by_organization', v_by_org)
  );
  return v_deleted;
end
$$;

comment on function private.purge_expired_recordings() is
  'Deletes meeting_recordings past expires_at or older than their organization''s recording_retention_days (each with its storage object and a recording.purged event, see private.meeting_recordings_after_delete), writes one audit_log entry (recordings.purged, {deleted, by_organization}) and returns the count. Run hourly by the purge-expired-recordings pg_cron job.';

revoke all on function private.purge_expired_recordings() from public, anon, authenticated;
grant execute on function private.purge_expired_recordings() to service_role;
