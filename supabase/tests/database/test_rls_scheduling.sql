-- RLS matrix (owner, admin, provider, client, client of another organization, anon,
-- service_role) for the scheduling tables: booking_status_history, booking_cancellations,
-- meeting_recordings, audit_log, outbox_events; plus the scheduling changes to service_sessions
-- (visibility) and packages (providers manage their own), and the security_invoker views.
begin;
select plan(69);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_rival uuid := tests.seed_org('rival');
  v_physio uuid;
  v_rival_service uuid;
begin
  perform tests.add_member('acme', 'acme_client2', 'client');
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  v_physio := tests.seed_bookable_service(v_acme, 'Physio', 60);
  v_rival_service := tests.seed_bookable_service(v_rival, 'Lesson', 60);
  perform tests.remember('b1', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(0, '09:00')));
  perform tests.remember('b2', tests.seed_booking(v_physio, tests.uid('acme_client2'), tests.slot(0, '09:00'), tests.uid('acme_provider2')));
  perform tests.remember('b3', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(1, '09:00')));
  perform tests.remember('rb', tests.seed_booking(v_rival_service, tests.uid('rival_client'), tests.slot(0, '09:00')));
  perform public.cancel_booking(tests.ref('b3'), 'Clinic closed');
  perform public.cancel_booking(tests.ref('rb'), 'Rival reasons');
  insert into public.meeting_recordings (booking_id, storage_path, file_format, duration_seconds, storage_size_bytes)
  values (tests.ref('b1'), 'sessions/b1.mp4', 'mp4', 3600, 524288000),
         (tests.ref('b2'), 'sessions/b2.webm', 'webm', 1800, 100000000),
         (tests.ref('rb'), 'sessions/rb.mkv', 'mkv', 60, 1000);
  perform private.write_audit(null, 'system.test', null, null, null, '{"note": "system-wide"}');
  insert into public.packages (organization_id, provider_id, name, session_count, price, is_active)
  values (v_acme, tests.uid('acme_provider'), 'Provider pack', 5, 200, true),
         (v_acme, tests.uid('acme_provider'), 'Provider draft', 3, 120, false),
         (v_acme, null, 'House pack', 10, 400, true);
end
$$;

-- booking_status_history: whoever reads the booking reads its history -------------------------
select tests.act_as('acme_owner');
select is((select count(*)::int from public.booking_status_history), 4, 'history: the owner reads every booking''s history');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.booking_status_history), 4, 'history: an admin too');
select tests.act_as('acme_provider');
select is((select count(*)::int from public.booking_status_history), 3, 'history: a provider reads their bookings'' history');
select tests.act_as('acme_client');
select is((select count(*)::int from public.booking_status_history), 3, 'history: a client reads their bookings'' history');
select tests.act_as('rival_client');
select is((select count(*)::int from public.booking_status_history), 2, 'history: a client of another organization reads only their own');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.booking_status_history$$, 'history: anon reads nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.booking_status_history where organization_id in (tests.org_id('acme'), tests.org_id('rival'))), 6,
  'history: service_role reads everything');
select tests.act_as('acme_admin');
select throws_ok(format($$insert into public.booking_status_history (organization_id, booking_id, to_status) values (%L, %L, 'completed')$$, tests.org_id('acme'), tests.ref('b1')),
  '42501', null, 'history: nobody writes it directly (not even an admin)');
select throws_ok($$update public.booking_status_history set reason = 'rewritten'$$, '42501', null, 'history: nobody rewrites it (not granted)');
select throws_ok($$delete from public.booking_status_history$$, '42501', null, 'history: nobody deletes it (not granted)');

-- booking_cancellations: parties and admins read --------------------------------------------------
select tests.act_as('acme_owner');
select results_eq($$select booking_id from public.booking_cancellations$$, $$values (tests.ref('b3'))$$, 'cancellations: the owner reads them');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.booking_cancellations), 1, 'cancellations: an admin reads them');
select tests.act_as('acme_provider');
select is((select count(*)::int from public.booking_cancellations), 1, 'cancellations: the booking''s provider reads it');
select tests.act_as('acme_provider2');
select is_empty($$select 1 from public.booking_cancellations$$, 'cancellations: another provider does not');
select tests.act_as('acme_client');
select is((select count(*)::int from public.booking_cancellations), 1, 'cancellations: the booking''s client reads it');
select tests.act_as('acme_client2');
select is_empty($$select 1 from public.booking_cancellations$$, 'cancellations: another client does not');
select tests.act_as('rival_client');
select results_eq($$select booking_id from public.booking_cancellations$$, $$values (tests.ref('rb'))$$, 'cancellations: another organization reads only its own');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.booking_cancellations$$, 'cancellations: anon reads nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.booking_cancellations where organization_id in (tests.org_id('acme'), tests.org_id('rival'))), 2,
  'cancellations: service_role reads everything');

-- meeting_recordings: parties and admins read; only admins write -----------------------------------
select tests.act_as('acme_owner');
select is((select count(*)::int from public.meeting_recordings), 2, 'recordings: the owner reads the organization''s recordings');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.meeting_recordings), 2, 'recordings: an admin too');
select tests.act_as('acme_provider');
select results_eq($$select storage_path from public.meeting_recordings$$, $$values ('sessions/b1.mp4')$$, 'recordings: a provider reads the recordings of their bookings');
select tests.act_as('acme_client2');
select results_eq($$select storage_path from public.meeting_recordings$$, $$values ('sessions/b2.webm')$$, 'recordings: a client reads the recordings of their bookings');
select tests.act_as('rival_client');
select results_eq($$select storage_path from public.meeting_recordings$$, $$values ('sessions/rb.mkv')$$, 'recordings: another organization reads only its own');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.meeting_recordings$$, 'recordings: anon reads nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.meeting_recordings where organization_id in (tests.org_id('acme'), tests.org_id('rival'))), 3,
  'recordings: service_role reads everything');
select tests.act_as('acme_admin');
select lives_ok(format($$insert into public.meeting_recordings (booking_id, storage_path, file_format) values (%L, 'sessions/b1-part2.mov', 'mov')$$, tests.ref('b1')),
  'recordings: an admin records metadata');
select is((select organization_id from public.meeting_recordings where storage_path = 'sessions/b1-part2.mov'), tests.org_id('acme'),
  'recordings: the organization is always the booking''s');
select throws_ok(format($$insert into public.meeting_recordings (booking_id, storage_path, file_format) values (%L, 'sessions/b1.avi', 'avi')$$, tests.ref('b1')),
  '23514', null, 'recordings: file_format is mp4, webm, mov or mkv');
select throws_ok(format($$insert into public.meeting_recordings (organization_id, booking_id, storage_path, file_format) values (%L, %L, 'sessions/x.mp4', 'mp4')$$,
    tests.org_id('acme'), tests.ref('rb')),
  '42501', null, 'recordings: an admin cannot attach a recording to another organization''s booking');
select is(tests.affected_rows($$update public.meeting_recordings set is_encrypted = false$$), 3, 'recordings: an admin updates them');
select tests.act_as('acme_provider');
select throws_ok(format($$insert into public.meeting_recordings (booking_id, storage_path, file_format) values (%L, 'sessions/p.mp4', 'mp4')$$, tests.ref('b1')),
  '42501', null, 'recordings: a provider does not write metadata');
select is(tests.affected_rows($$update public.meeting_recordings set is_encrypted = true$$), 0, 'recordings: a provider updates nothing');
select is(tests.affected_rows($$delete from public.meeting_recordings$$), 0, 'recordings: a provider deletes nothing');
select tests.act_as('acme_client');
select throws_ok(format($$insert into public.meeting_recordings (booking_id, storage_path, file_format) values (%L, 'sessions/c.mp4', 'mp4')$$, tests.ref('b1')),
  '42501', null, 'recordings: a client does not write metadata');
select is(tests.affected_rows($$delete from public.meeting_recordings$$), 0, 'recordings: a client deletes nothing');
select tests.act_as('rival_client');
select is(tests.affected_rows($$delete from public.meeting_recordings where organization_id <> tests.org_id('rival')$$), 0, 'recordings: another organization deletes nothing');
select tests.act_as('acme_owner');
select is(tests.affected_rows($$delete from public.meeting_recordings where file_format = 'mov'$$), 1, 'recordings: the owner deletes one');

-- audit_log and outbox_events: owners/admins read their organization's; nobody writes directly ------
select tests.act_as('acme_owner');
select results_eq($$select action from public.audit_log$$, $$values ('booking.cancelled')$$, 'audit: the owner reads the organization''s entries (not system-wide ones)');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.audit_log), 1, 'audit: an admin reads them');
select throws_ok(format($$insert into public.audit_log (organization_id, action) values (%L, 'forged')$$, tests.org_id('acme')), '42501', null, 'audit: nobody writes it directly');
select throws_ok($$update public.audit_log set action = 'rewritten'$$, '42501', null, 'audit: nobody rewrites it (not granted)');
select tests.act_as('acme_provider');
select is_empty($$select 1 from public.audit_log$$, 'audit: a provider reads nothing');
select tests.act_as('acme_client');
select is_empty($$select 1 from public.audit_log$$, 'audit: a client reads nothing');
select tests.act_as('rival_client');
select is_empty($$select 1 from public.audit_log$$, 'audit: a client of another organization reads nothing');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.audit_log$$, 'audit: anon reads nothing');
select tests.authenticate_as_service_role();
select ok((select count(*) >= 3 from public.audit_log where organization_id is null or organization_id in (tests.org_id('acme'), tests.org_id('rival'))),
  'audit: service_role reads everything, system-wide entries included');
select tests.act_as('acme_admin');
select results_eq($$select topic from public.outbox_events where topic <> 'booking.created' order by id$$, $$values ('booking.cancelled'), ('recording.purged')$$, 'outbox: an admin reads the organization''s events (the cancellation, the deleted recording; the fixtures'' bookings'' booking.created too)');
select throws_ok(format($$insert into public.outbox_events (organization_id, topic) values (%L, 'booking.forged')$$, tests.org_id('acme')), '42501', null,
  'outbox: nobody writes it directly');
select tests.act_as('acme_provider');
select is_empty($$select 1 from public.outbox_events$$, 'outbox: a provider reads nothing');
select tests.act_as('acme_client');
select is_empty($$select 1 from public.outbox_events$$, 'outbox: a client reads nothing');
select tests.act_as('rival_owner');
select results_eq($$select topic from public.outbox_events where topic <> 'booking.created'$$, $$values ('booking.cancelled')$$, 'outbox: another organization reads only its own');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.outbox_events$$, 'outbox: anon reads nothing');
select tests.authenticate_as_service_role();
select is(tests.affected_rows(format($$update public.outbox_events set processed_at = now() where processed_at is null and organization_id in (%L, %L)$$, tests.org_id('acme'), tests.org_id('rival'))) >= 2, true,
  'outbox: service_role (the delivering worker) marks events processed');

-- service_sessions: clients never see other clients' private sessions -------------------------------
select tests.act_as('acme_client');
select results_eq($$select ss.id from public.service_sessions ss order by ss.starts_at$$,
  $$select b.service_session_id from public.bookings b where b.id in (tests.ref('b1'), tests.ref('b3')) order by b.start_time$$,
  'service_sessions: a client sees their own 1-to-1 sessions, not other clients''');
select tests.act_as('acme_provider');
select is((select count(*)::int from public.service_sessions), 3, 'service_sessions: a provider sees every session of the organization');

-- packages: providers manage their own, clients see active ones ---------------------------------------
select tests.act_as('acme_client');
select results_eq($$select name from public.packages order by name$$, $$values ('House pack'), ('Provider pack')$$, 'packages: a client sees active packages only');
select tests.act_as('acme_provider');
select results_eq($$select name from public.packages order by name$$, $$values ('House pack'), ('Provider draft'), ('Provider pack')$$,
  'packages: a provider also sees their own inactive ones');
select lives_ok(format($$insert into public.packages (organization_id, provider_id, name, session_count, price) values (%L, %L, 'My new pack', 4, 150)$$,
  tests.org_id('acme'), tests.uid('acme_provider')), 'packages: a provider creates their own package');
select is(tests.affected_rows($$update public.packages set price = 1$$), 3, 'packages: a provider edits only their own');
select is(tests.affected_rows($$delete from public.packages where name = 'House pack'$$), 0, 'packages: a provider cannot delete the house packages');
select tests.act_as('acme_provider2');
select is(tests.affected_rows($$update public.packages set is_active = false$$), 0, 'packages: another provider edits none of them');
select tests.act_as('acme_admin');
select is(tests.affected_rows($$update public.packages set discount_percentage = 10$$), 4, 'packages: an admin manages all of them');
select tests.act_as('rival_client');
select is_empty(format($$select 1 from public.packages where organization_id = %L$$, tests.org_id('acme')), 'packages: another organization sees none of them');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.packages$$, 'packages: anon sees nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.packages where organization_id = tests.org_id('acme')), 4, 'packages: service_role sees all, inactive included');
select tests.act_as('acme_owner');
select is(tests.affected_rows($$delete from public.packages where name = 'Provider draft'$$), 1, 'packages: the owner deletes any of them');

-- views are security_invoker: each caller sees what RLS shows them ------------------------------------
select tests.act_as('acme_client');
select results_eq($$select total_bookings::int, bookings_with_session::int, bookings_without_session::int from public.booking_service_session_coverage$$,
  $$values (2, 2, 0)$$, 'views: the coverage view counts only the caller''s visible bookings');
select tests.act_as('acme_admin');
select results_eq($$select kind, visibility, session_count::int from public.service_session_distribution$$,
  $$values ('individual'::text, 'private'::text, 3)$$, 'views: the distribution view by kind and visibility');

select * from finish();
rollback;
