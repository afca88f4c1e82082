-- Meeting recordings: the row's organization is its booking's, and a pg_cron job
-- (purge-expired-recordings, scheduled by migration 20261124010900) deletes rows past
-- expires_at or older than the organization's recording_retention_days.

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
  with purged as (
    delete from public.meeting_recordings r
    using public.organizations o
    left join public.organization_settings s on s.organization_id = o.id
    where o.id = r.organization_id
      and (r.expires_at <= now()
           or (s.recording_retention_days is not null
               and r.created_at <= now() - make_interval(days => s.recording_retention_days)))
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
  'Deletes meeting_recordings past expires_at or older than their organization''s recording_retention_days, writes one audit_log entry (recordings.purged, {deleted, by_organization}) and returns the count. Run hourly by the purge-expired-recordings pg_cron job.';

revoke all on function private.purge_expired_recordings() from public, anon, authenticated;
grant execute on function private.purge_expired_recordings() to service_role;
