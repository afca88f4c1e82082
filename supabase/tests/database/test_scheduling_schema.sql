-- Scheduling schema: the expand step of seed 001 (every booking through a service session),
-- the database-maintained invariants (start_time/end_time in sync, participants, status
-- history), the tables of seed 002, the security of every function, the recording purge job.
begin;
select plan(54);

-- tables, columns, constraints ------------------------------------------------------------------
select has_column('public', 'service_sessions', 'kind', 'service_sessions.kind');
select has_column('public', 'service_sessions', 'visibility', 'service_sessions.visibility');
select col_default_is('public', 'service_sessions', 'kind', 'workshop'::text, 'new sessions default to workshops (booking RPCs always set the kind)');
select is((select array_agg(tgname::text || ':' || tgenabled::text order by tgname) from pg_trigger
           where tgrelid = 'public.service_sessions'::regclass and tgname like 'service_sessions_no_overlap_%'),
  array['service_sessions_no_overlap_insert:A', 'service_sessions_no_overlap_update:A'],
  'service_sessions: the overlap guarantee fires for every writer, session_replication_role = replica included');
select is((select count(*) from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
           where i.indrelid = 'public.service_sessions'::regclass and a.amname = 'gist'),
  0::bigint, 'service_sessions: no GiST index to maintain (the btree on (provider, start) serves the guarantee)');
select has_column('public', 'bookings', 'service_session_id', 'bookings.service_session_id');
select col_not_null('public', 'bookings', 'service_session_id', 'bookings.service_session_id is required (contract, after the service_sessions backfill)');
select fk_ok('public', 'bookings', array['organization_id', 'service_session_id'], 'public', 'service_sessions', array['organization_id', 'id'],
  'bookings reference their service session inside the tenant (PostgREST embed: service_sessions(*))');
select col_default_is('public', 'bookings', 'booking_kind', 'regular'::text, 'bookings.booking_kind defaults to regular');
select has_column('public', 'services', 'buffer_before_minutes', 'services.buffer_before_minutes');
select has_column('public', 'services', 'buffer_after_minutes', 'services.buffer_after_minutes');
select has_column('public', 'services', 'min_notice_minutes', 'services.min_notice_minutes');
select has_column('public', 'services', 'max_advance_days', 'services.max_advance_days');
select has_column('public', 'services', 'max_bookings_per_day', 'services.max_bookings_per_day');
select has_column('public', 'services', 'session_type_id', 'services.session_type_id');
select tables_are('public', array[
    'organizations', 'organization_members', 'organization_settings', 'session_types', 'services', 'packages',
    'subscriptions', 'service_sessions', 'bookings', 'booking_status_history', 'booking_cancellations',
    'availability_rules', 'specialist_availability_exceptions', 'session_notes', 'meeting_recordings',
    'audit_log', 'outbox_events']::name[]
  || array(select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind = 'r'
             and c.relname not in ('organizations', 'organization_members', 'organization_settings', 'session_types', 'services',
                                   'packages', 'subscriptions', 'service_sessions', 'bookings', 'booking_status_history',
                                   'booking_cancellations', 'availability_rules', 'specialist_availability_exceptions',
                                   'session_notes', 'meeting_recordings', 'audit_log', 'outbox_events')),
  'public tables: the scheduling tables exist (next to any later ones)');
select is(
  array(select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity),
  '{}'::text[], 'every public table has row level security');
select is(
  array(select c.table_name::text from information_schema.columns c
        where c.table_schema = 'public'
          and c.table_name in ('booking_status_history', 'booking_cancellations', 'availability_rules', 'specialist_availability_exceptions',
                               'session_notes', 'meeting_recordings', 'outbox_events')
          and c.column_name = 'organization_id' and c.is_nullable = 'YES'),
  '{}'::text[], 'every new tenant table has organization_id not null');
select col_is_unique('public', 'booking_cancellations', 'booking_id', 'one cancellation per booking');
select col_is_unique('public', 'session_notes', 'booking_id', 'one note per booking');
select is(
  array(select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'v'
          and c.relname in ('booking_service_session_coverage', 'service_session_distribution', 'service_session_duplicate_times')
          and c.reloptions @> '{security_invoker=true}'
        order by 1),
  array['booking_service_session_coverage', 'service_session_distribution', 'service_session_duplicate_times'],
  'the seed 001 verification views exist and are security_invoker');

-- functions: security ----------------------------------------------------------------------------
select is(
  array(select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public'
          and p.proname in ('create_service_session', 'get_available_slots', 'book_session', 'book_individual_session', 'cancel_booking',
                            'reschedule_booking', 'complete_booking', 'mark_no_show', 'upsert_session_note')
          and p.prosecdef
          and p.proconfig @> array['search_path=""']
          and not has_function_privilege('anon', p.oid, 'execute')
          and has_function_privilege('authenticated', p.oid, 'execute')
          and has_function_privilege('service_role', p.oid, 'execute')
        order by 1),
  array['book_individual_session', 'book_session', 'cancel_booking', 'complete_booking', 'create_service_session',
        'get_available_slots', 'mark_no_show', 'reschedule_booking', 'upsert_session_note'],
  'every scheduling RPC: security definer, empty search_path, executable by authenticated and service_role, not anon');
select ok(not has_function_privilege('authenticated', 'private.create_individual_booking(uuid, uuid, timestamptz, uuid, uuid, text, text)', 'execute'),
  'the booking core is not callable by users directly');
select ok(not has_function_privilege('authenticated', 'private.purge_expired_recordings()', 'execute'),
  'the recording purge is not callable by users');
select function_returns('public', 'computed_start_time', array['bookings'], 'timestamp with time zone', 'computed field computed_start_time(bookings)');
select function_returns('public', 'computed_end_time', array['bookings'], 'timestamp with time zone', 'computed field computed_end_time(bookings)');

-- database-maintained invariants --------------------------------------------------------------------
do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_physio uuid := tests.seed_bookable_service(v_acme, 'Physio', 60);
  v_yoga uuid := tests.seed_bookable_service(v_acme, 'Yoga', 60, 5);
begin
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  perform tests.remember('physio', v_physio);
  perform tests.remember('b1', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(0, '09:00')));
  perform tests.remember('yoga1', tests.seed_group_session(v_yoga, tests.slot(0, '18:00'), 5));
  perform tests.remember('yoga2', tests.seed_group_session(v_yoga, tests.slot(1, '18:00'), 5));
end
$$;
select tests.act_as('acme_admin');
select is(tests.error_of(format($$update public.service_sessions set starts_at = %L, ends_at = %L where id = (select service_session_id from public.bookings where id = %L)$$,
    tests.slot(0, '10:00'), tests.slot(0, '11:00'), tests.ref('b1'))) ->> 'message', 'INVALID_REQUEST',
  'sync: staff do not move a booked 1-to-1 session by writing it (reschedule_booking is the way)');
select is(tests.error_of(format($$update public.bookings set start_time = %L where id = %L$$, tests.slot(3, '10:00'), tests.ref('b1'))) ->> 'hint', 'start_time',
  'sync: nor by writing the booking''s deprecated start_time');
-- the synchronisation itself, as a direct database session (a backfill) writes
select tests.clear_authentication();
select lives_ok(format($$update public.service_sessions set starts_at = %L, ends_at = %L where id = (select service_session_id from public.bookings where id = %L)$$,
    tests.slot(0, '10:00'), tests.slot(0, '11:00'), tests.ref('b1')),
  'sync: a backfill moves a session directly');
select results_eq($$select start_time, end_time from public.bookings where id = tests.ref('b1')$$,
  $$values (tests.slot(0, '10:00'), tests.slot(0, '11:00'))$$, 'sync: the booking''s deprecated start_time/end_time follow the session');
select lives_ok(format($$update public.bookings set start_time = %L where id = %L$$, tests.slot(3, '10:00'), tests.ref('b1')),
  'sync: writing the deprecated start_time directly is accepted ...');
select is((select start_time from public.bookings where id = tests.ref('b1')), tests.slot(0, '10:00'), '... but the session stays the source of truth');
select lives_ok(format($$update public.service_sessions set provider_id = %L where id = (select service_session_id from public.bookings where id = %L)$$,
    tests.uid('acme_provider2'), tests.ref('b1')),
  'sync: a backfill hands a session to another provider');
select is((select provider_id from public.bookings where id = tests.ref('b1')), tests.uid('acme_provider2'), 'sync: the booking''s provider follows');
select lives_ok(format($$insert into public.bookings (organization_id, client_id, provider_id, service_session_id, start_time, end_time)
                         values (%L, %L, %L, %L, now(), now())$$, tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.ref('yoga1')),
  'sync: a booking inserted with wrong times and provider ...');
select results_eq($$select start_time, provider_id, status from public.bookings where service_session_id = tests.ref('yoga1')$$,
  $$select starts_at, provider_id, 'pending'::text from public.service_sessions where id = tests.ref('yoga1')$$,
  '... gets its session''s times and provider');
select is((select current_participants from public.service_sessions where id = tests.ref('yoga1')), 1, 'participants: counted on insert');
select lives_ok(format($$update public.bookings set service_session_id = %L where service_session_id = %L$$, tests.ref('yoga2'), tests.ref('yoga1')),
  'participants: a booking moved to another session ...');
select results_eq($$select current_participants from public.service_sessions where id in (tests.ref('yoga1'), tests.ref('yoga2')) order by starts_at$$,
  $$values (0), (1)$$, '... moves its place');
select lives_ok(format($$delete from public.bookings where service_session_id = %L$$, tests.ref('yoga2')), 'participants: a deleted booking ...');
select is((select current_participants from public.service_sessions where id = tests.ref('yoga2')), 0, '... frees its place');
select results_eq($$select from_status, to_status from public.booking_status_history where booking_id = tests.ref('b1')$$,
  $$values (null::text, 'confirmed'::text)$$, 'history: one row per status change, starting at creation');
select tests.act_as('acme_provider2');
select lives_ok(format($$update public.bookings set notes = 'Bring shoes' where id = %L$$, tests.ref('b1')), 'history: a change that is not a status change ...');
select is((select count(*)::int from public.booking_status_history where booking_id = tests.ref('b1')), 1, '... adds no history row');
select tests.clear_authentication();
select is((select count(*)::int from public.bookings b where b.id = tests.ref('b1') and public.computed_start_time(b) = tests.slot(0, '10:00')), 1,
  'computed_start_time reads the service session');
select is((select public.computed_end_time(b) from public.bookings b where b.id = tests.ref('b1')), tests.slot(0, '11:00'),
  'computed_end_time reads the service session');
-- a legacy booking as a legacy database holds it before the service_sessions backfill and the
-- contract (simulated: the NOT NULL and the legacy-insert trigger are lifted for the test)
alter table public.bookings alter column service_session_id drop not null;
alter table public.bookings disable trigger bookings_legacy_insert;
insert into public.bookings (organization_id, client_id, provider_id, start_time, end_time, notes)
values (tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.slot(5, '09:00'), tests.slot(5, '10:00'), 'legacy');
alter table public.bookings enable trigger bookings_legacy_insert;
select is((select public.computed_start_time(b) from public.bookings b where b.notes = 'legacy'), tests.slot(5, '09:00'),
  'computed_start_time falls back to the legacy start_time');
select tests.act_as('acme_admin');
select results_eq($$select total_bookings::int, bookings_without_session::int from public.booking_service_session_coverage$$,
  $$values (2, 1)$$, 'coverage view: the legacy booking is counted as without a session');

-- legacy bookings without a session still block their provider's time ----------------------------
select tests.clear_authentication();
do $$
begin
  perform tests.seed_weekly_hours(tests.org_id('acme'), tests.uid('acme_provider'));
end
$$;
select tests.act_as('acme_client');
select throws_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(5, '09:30'))$$, 'PT409', 'SLOT_TAKEN',
  'legacy: an unlinked legacy booking still makes its time SLOT_TAKEN');

-- duplicate group-session times (seed 001's check) ---------------------------------------------------
select tests.clear_authentication();
do $$
begin
  perform tests.seed_group_session(tests.service_id(tests.org_id('acme'), 'Yoga'), tests.slot(1, '18:00'), 5, 'public', 'workshop', tests.uid('acme_provider2'));
end
$$;
select tests.act_as('acme_admin');
select results_eq($$select starts_at, session_count::int from public.service_session_duplicate_times$$,
  $$values (tests.slot(1, '18:00'), 2)$$, 'duplicate times view: two workshops of one service at the same time');

-- recordings purge (pg_cron job purge-expired-recordings) --------------------------------------------
select tests.clear_authentication();
do $$
begin
  update public.organization_settings set recording_retention_days = 30 where organization_id = tests.org_id('acme');
  insert into public.meeting_recordings (booking_id, storage_path, file_format, created_at, expires_at)
  values (tests.ref('b1'), 'expired.mp4', 'mp4', now() - interval '2 days', now() - interval '1 day'),
         (tests.ref('b1'), 'retention.mp4', 'mp4', now() - interval '40 days', null),
         (tests.ref('b1'), 'keep.mp4', 'mp4', now() - interval '10 days', now() + interval '1 day');
end
$$;
select is(private.purge_expired_recordings(), 2, 'purge: deletes recordings past expires_at or past the organization''s retention');
select results_eq($$select storage_path from public.meeting_recordings where booking_id = tests.ref('b1')$$, $$values ('keep.mp4')$$, 'purge: keeps the rest');
select results_eq($$select (new_values ->> 'deleted')::int, organization_id from public.audit_log where action = 'recordings.purged' order by id desc limit 1$$,
  $$values (2, null::uuid)$$, 'purge: one audit entry per run');
select ok(
  not exists (select 1 from pg_extension where extname = 'pg_cron')
  or tests.cron_job_count('purge-expired-recordings') = 1,
  'purge: scheduled by pg_cron where the extension exists (once, by name)');

select * from finish();
rollback;
