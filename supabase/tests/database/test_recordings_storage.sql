-- Recordings in Supabase Storage (issue 15, seed 002): the private meeting-recordings bucket, the
-- storage.objects policies mirroring meeting_recordings' RLS for every role (owner, admin, the
-- session's provider and another provider, the client with and without sharing, another
-- organization, anon, service_role), uploads and deletes, and retention: metadata and object
-- rows go together and each file is announced with a recording.purged event, nothing orphaned.
-- Locally the storage schema is the compatibility layer's, shaped like Supabase's.
begin;
select plan(43);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_rival uuid := tests.seed_org('rival');
  v_physio uuid;
  v_b1 uuid;
  v_b2 uuid;
  v_rb uuid;
begin
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  perform tests.add_member('acme', 'acme_client2', 'client');
  v_physio := tests.seed_bookable_service(v_acme, 'Physio', 60);
  v_b1 := tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(0, '09:00'), tests.uid('acme_provider'));
  v_b2 := tests.seed_booking(v_physio, tests.uid('acme_client2'), tests.slot(0, '11:00'), tests.uid('acme_provider2'));
  v_rb := tests.seed_booking(tests.seed_bookable_service(v_rival, 'Lesson', 60), tests.uid('rival_client'), tests.slot(0, '09:00'));
  perform tests.remember('b1', v_b1);
  perform set_config('tests.p1', format('%s/%s/session.mp4', v_acme, v_b1), true);
  perform set_config('tests.p2', format('%s/%s/session.webm', v_acme, v_b2), true);
  perform set_config('tests.orphan', format('%s/%s/forgotten.mp4', v_acme, v_b1), true);
  insert into public.meeting_recordings (booking_id, storage_path, file_format, storage_size_bytes)
  values (v_b1, current_setting('tests.p1'), 'mp4', 1000),
         (v_b2, current_setting('tests.p2'), 'webm', 2000),
         -- another organization's row naming acme's file: grants it nothing
         (v_rb, current_setting('tests.p1'), 'mp4', 1000);
  insert into storage.objects (bucket_id, name, metadata)
  values ('meeting-recordings', current_setting('tests.p1'), '{"size": 1000, "mimetype": "video/mp4"}'),
         ('meeting-recordings', current_setting('tests.p2'), '{"size": 2000, "mimetype": "video/webm"}'),
         ('meeting-recordings', current_setting('tests.orphan'), '{"size": 3000}');
  insert into storage.buckets (id, name) values ('avatars-test', 'avatars-test');
end
$$;

-- the bucket -----------------------------------------------------------------------------------------
select results_eq(
  $$select public, file_size_limit, allowed_mime_types from storage.buckets where id = 'meeting-recordings'$$,
  $$values (false, 5368709120::bigint, array['video/mp4', 'video/webm', 'video/quicktime', 'video/x-matroska'])$$,
  'bucket: meeting-recordings is private, 5 GiB per file, video only');
select has_column('storage', 'objects', 'path_tokens', 'storage.objects has Supabase''s columns (path_tokens)');
select is(storage.foldername('a/b/c.mp4'), array['a', 'b'], 'storage.foldername as on Supabase');
select is(storage.filename('a/b/c.mp4'), 'c.mp4', 'storage.filename as on Supabase');
select is(storage.extension('a/b/c.mp4'), 'mp4', 'storage.extension as on Supabase');

-- who reads which file -----------------------------------------------------------------------------------
select tests.act_as('acme_owner');
select results_eq($$select name from storage.objects order by name$$,
  $$select unnest(array[current_setting('tests.p1'), current_setting('tests.p2')]) order by 1$$,
  'read: the owner reads every recording file of the organization (not the orphan without metadata)');
select tests.act_as('acme_admin');
select is((select count(*)::int from storage.objects), 2, 'read: an admin too');
select tests.act_as('acme_provider');
select results_eq($$select name from storage.objects$$, $$values (current_setting('tests.p1'))$$,
  'read: the session''s provider reads its recording');
select tests.act_as('acme_provider2');
select results_eq($$select name from storage.objects$$, $$values (current_setting('tests.p2'))$$,
  'read: another provider only their own session''s');
select tests.act_as('acme_client');
select results_eq($$select name from storage.objects$$, $$values (current_setting('tests.p1'))$$,
  'read: the client reads their session''s recording when the organization shares recordings');
select is((select count(*)::int from public.meeting_recordings), 1, '... and its metadata');
select tests.act_as('rival_owner');
select is_empty($$select 1 from storage.objects where bucket_id = 'meeting-recordings' and name like tests.org_id('acme')::text || '%'$$,
  'read: another organization reads none, even with a recording row naming the path');
select tests.authenticate_as_anon();
select is_empty($$select 1 from storage.objects$$, 'read: anon reads none');
select tests.authenticate_as_service_role();
select is((select count(*)::int from storage.objects where name like tests.org_id('acme')::text || '%'), 3, 'read: service_role reads every file');

select tests.clear_authentication();
update public.organization_settings set share_recordings_with_clients = false where organization_id = tests.org_id('acme');
select tests.act_as('acme_client');
select is_empty($$select 1 from storage.objects$$, 'read: when the organization does not share recordings, the client reads no file');
select is_empty($$select 1 from public.meeting_recordings$$, '... and no metadata');
select tests.act_as('acme_provider');
select is((select count(*)::int from storage.objects), 1, '... the provider still does');
select tests.clear_authentication();
update public.organization_settings set share_recordings_with_clients = true where organization_id = tests.org_id('acme');

-- who writes --------------------------------------------------------------------------------------------------
select tests.act_as('acme_admin');
select is(tests.affected_rows(format($$insert into storage.objects (bucket_id, name) values ('meeting-recordings', '%s/%s/part2.mp4')$$,
  tests.org_id('acme'), tests.ref('b1'))), 1, 'upload: an admin uploads into the organization''s folder');
select is(tests.affected_rows(format($$insert into public.meeting_recordings (booking_id, storage_path, file_format) values (%L, '%s/%s/part2.mp4', 'mp4')$$,
  tests.ref('b1'), tests.org_id('acme'), tests.ref('b1'))), 1, 'upload: ... and records its metadata, which makes the file readable');
select is(tests.affected_rows(format($$update storage.objects set metadata = '{"size": 1}' where name = %L$$, current_setting('tests.p1'))), 1,
  'upload: an admin replaces a file');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('meeting-recordings', '%s/x.mp4')$$, tests.org_id('rival')),
  '42501', null, 'upload: not into another organization''s folder');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('meeting-recordings', 'sessions/x.mp4')$$,
  '42501', null, 'upload: not outside an organization folder');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('avatars-test', 'x.png')$$,
  '42501', null, 'upload: this project''s policies open no other bucket');
select throws_ok(format($$delete from storage.objects where name = %L$$, current_setting('tests.p2')),
  '42501', null, 'delete: a direct SQL delete is refused, as on Supabase (use the Storage API)');
-- the Storage API deletes with storage.allow_delete_query set, as the user
do $$ begin perform set_config('storage.allow_delete_query', 'true', true); end $$;
select is(tests.affected_rows(format($$delete from storage.objects where name = '%s/%s/part2.mp4'$$,
  tests.org_id('acme'), tests.ref('b1'))), 1, 'delete: an admin deletes a file through the Storage API');
select tests.act_as('acme_owner');
select is(tests.affected_rows($$update storage.objects set metadata = '{}' where bucket_id = 'meeting-recordings'$$), 2,
  'upload: the owner too (every file of the organization''s folder)');
select tests.act_as('acme_provider');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('meeting-recordings', '%s/%s/mine.mp4')$$, tests.org_id('acme'), tests.ref('b1')),
  '42501', null, 'upload: a provider does not (the recording pipeline does, as service_role)');
select is(tests.affected_rows(format($$update storage.objects set metadata = '{}' where name = %L$$, current_setting('tests.p1'))), 0,
  'upload: a provider replaces nothing');
select is(tests.affected_rows(format($$delete from storage.objects where name = %L$$, current_setting('tests.p1'))), 0,
  'delete: a provider deletes nothing');
select tests.act_as('acme_client');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('meeting-recordings', '%s/%s/mine.mp4')$$, tests.org_id('acme'), tests.ref('b1')),
  '42501', null, 'upload: a client does not');
select is(tests.affected_rows(format($$delete from storage.objects where name = %L$$, current_setting('tests.p1'))), 0,
  'delete: a client deletes nothing');
select tests.act_as('rival_owner');
select is(tests.affected_rows(format($$update storage.objects set metadata = '{}' where name = %L$$, current_setting('tests.p1'))), 0,
  'upload: another organization replaces nothing');
select tests.authenticate_as_anon();
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('meeting-recordings', '%s/a.mp4')$$, tests.org_id('acme')),
  '42501', null, 'upload: anon does not');

-- retention: metadata and object rows go together, the file is announced --------------------------------------------
select tests.clear_authentication();
do $$ begin perform set_config('storage.allow_delete_query', 'false', true); end $$;
do $$
begin
  update public.organization_settings set recording_retention_days = 30 where organization_id = tests.org_id('acme');
  insert into public.meeting_recordings (booking_id, storage_path, file_format, created_at, expires_at)
  values (tests.ref('b1'), format('%s/%s/expired.mp4', tests.org_id('acme'), tests.ref('b1')), 'mp4', now() - interval '10 days', now() - interval '1 day'),
         (tests.ref('b1'), format('%s/%s/old.mp4', tests.org_id('acme'), tests.ref('b1')), 'mp4', now() - interval '40 days', null);
  insert into storage.objects (bucket_id, name, version, metadata)
  values ('meeting-recordings', format('%s/%s/expired.mp4', tests.org_id('acme'), tests.ref('b1')), 'v1', '{"size": 10}'),
         ('meeting-recordings', format('%s/%s/old.mp4', tests.org_id('acme'), tests.ref('b1')), 'v7', '{"size": 20}');
end
$$;
select is(private.purge_expired_recordings() >= 2, true, 'retention: the purge deletes the expired and the too old recordings');
select is_empty(format($$select 1 from public.meeting_recordings where storage_path like '%s/%%' and storage_path ~ '(expired|old)\.mp4$'$$, tests.org_id('acme')),
  'retention: their metadata is gone');
select is_empty(format($$select 1 from storage.objects where name like '%s/%%' and name ~ '(expired|old)\.mp4$'$$, tests.org_id('acme')),
  'retention: their object rows are gone with it');
select results_eq(
  format($$select payload ->> 'object_name', payload ->> 'object_version', payload ->> 'bucket_id', payload ->> 'reason', (payload ->> 'size_bytes')::int
    from public.outbox_events where topic = 'recording.purged' and organization_id = %L order by payload ->> 'object_name'$$, tests.org_id('acme')),
  format($$values ('%1$s/%2$s/expired.mp4', 'v1', 'meeting-recordings', 'expired', 10), ('%1$s/%2$s/old.mp4', 'v7', 'meeting-recordings', 'retention', 20)$$,
    tests.org_id('acme'), tests.ref('b1')),
  'retention: one recording.purged event per file, with its path and version for the worker that removes it');
select is((select count(*)::int from storage.objects where name in (current_setting('tests.p1'), current_setting('tests.p2'))), 2,
  'retention: recordings within retention keep their files');
select results_eq(
  format($$select i ->> 'violations', i -> 'sample_ids' from jsonb_array_elements(public.integrity_report(%L) -> 'invariants') i
    where i ->> 'name' = 'orphaned_recording_objects'$$, tests.org_id('acme')),
  $$values ('1', jsonb_build_array(current_setting('tests.orphan')))$$,
  'nothing orphaned by the purge: integrity_report counts only the file that never had metadata');
select tests.act_as('acme_admin');
select is(tests.affected_rows(format($$delete from public.meeting_recordings where storage_path = %L$$, current_setting('tests.p2'))), 1,
  'an admin deletes a recording''s metadata');
select tests.clear_authentication();
select is_empty(format($$select 1 from storage.objects where name = %L$$, current_setting('tests.p2')), '... its object row goes with it');
select is((select payload ->> 'reason' from public.outbox_events where topic = 'recording.purged' and payload ->> 'object_name' = current_setting('tests.p2')),
  'deleted', '... and the file is announced (reason deleted)');
select lives_ok(format($$delete from public.organizations where id = %L$$, tests.org_id('rival')),
  'an organization with recordings can still be deleted');

select * from finish();
rollback;
