-- session_notes: upsert_session_note (success, every error code), the lock after
-- note_lock_hours (NOTE_LOCKED, for everyone), and the RLS matrix: the provider writes and
-- amends their own notes, the client of the booking reads, admins read all and alone delete.
begin;
select plan(45);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_physio uuid;
begin
  perform tests.seed_org('rival');
  perform tests.add_member('acme', 'acme_client2', 'client');
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  v_physio := tests.seed_bookable_service(v_acme, 'Physio', 60);
  perform tests.remember('b1', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(0, '09:00')));
  perform tests.remember('b2', tests.seed_booking(v_physio, tests.uid('acme_client2'), tests.slot(0, '09:00'), tests.uid('acme_provider2')));
  perform tests.remember('b3', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(1, '09:00')));
  perform tests.remember('b_old', tests.seed_booking(v_physio, tests.uid('acme_client'), now() - interval '3 days'));
  perform tests.remember('b_cancel', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(2, '09:00'), null, 'cancelled'));
  perform tests.remember('b_delete', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(3, '09:00')));
  -- notes written 2 days ago: locked (default note_lock_hours = 24)
  insert into public.session_notes (booking_id, notes, created_at) values (tests.ref('b_old'), 'Initial assessment done.', now() - interval '2 days');
  insert into public.session_notes (booking_id, notes) values (tests.ref('b2'), 'Provider 2 note.');
  insert into public.session_notes (booking_id, notes) values (tests.ref('b_delete'), 'To be deleted by an admin.');
end
$$;

-- upsert_session_note ------------------------------------------------------------------------
select tests.act_as('acme_provider');
select results_eq(
  $$select notes, provider_id, organization_id, locks_at, metadata from public.upsert_session_note(tests.ref('b1'), 'Reduced pain.', p_metadata => '{"pain": 3}')$$,
  $$values ('Reduced pain.'::text, tests.uid('acme_provider'), tests.org_id('acme'), now() + interval '24 hours', '{"pain": 3}'::jsonb)$$,
  'upsert_session_note: the provider writes the note; it locks note_lock_hours after creation');
select results_eq(
  $$select notes, follow_up_actions, metadata from public.upsert_session_note(tests.ref('b1'), p_follow_up_actions => 'Daily stretches.')$$,
  $$values ('Reduced pain.'::text, 'Daily stretches.'::text, '{"pain": 3}'::jsonb)$$,
  'upsert_session_note: a second call amends it; null arguments keep what is there');
select results_eq(
  $$select notes, follow_up_actions from public.upsert_session_note(tests.ref('b1'), 'Reduced pain, better sleep.', '')$$,
  $$values ('Reduced pain, better sleep.'::text, null::text)$$,
  'upsert_session_note: an empty string clears a field');
select is((select count(*)::int from public.session_notes where booking_id = tests.ref('b1')), 1, 'upsert_session_note: one note per booking');
select throws_ok($$select public.upsert_session_note(tests.ref('b_old'), 'Too late.')$$, 'PT422', 'NOTE_LOCKED',
  'upsert_session_note: NOTE_LOCKED once locked');
select throws_ok($$select public.upsert_session_note(tests.ref('b3'))$$, 'PT400', 'INVALID_REQUEST', 'upsert_session_note: INVALID_REQUEST for a note without text');
select is(tests.error_of($$select public.upsert_session_note(tests.ref('b3'))$$) ->> 'hint', 'p_notes', 'upsert_session_note: hint p_notes');
select throws_ok($$select public.upsert_session_note(tests.ref('b3'), 'x', p_metadata => '[1, 2]')$$, 'PT400', 'INVALID_REQUEST',
  'upsert_session_note: INVALID_REQUEST for metadata that is not an object');
select throws_ok($$select public.upsert_session_note(null, 'x')$$, 'PT400', 'INVALID_REQUEST', 'upsert_session_note: INVALID_REQUEST without a booking');
select throws_ok($$select public.upsert_session_note(gen_random_uuid(), 'x')$$, 'PT404', 'NOT_FOUND', 'upsert_session_note: NOT_FOUND for an unknown booking');
select throws_ok($$select public.upsert_session_note(tests.ref('b_cancel'), 'x')$$, 'PT409', 'ALREADY_CANCELLED',
  'upsert_session_note: ALREADY_CANCELLED for a cancelled booking');
select throws_ok($$select public.upsert_session_note(tests.ref('b2'), 'x')$$, 'PT403', 'FORBIDDEN', 'upsert_session_note: FORBIDDEN for another provider''s booking');
select tests.act_as('acme_admin');
select throws_ok($$select public.upsert_session_note(tests.ref('b3'), 'x')$$, 'PT403', 'FORBIDDEN', 'upsert_session_note: FORBIDDEN for an admin (providers write notes)');
select tests.act_as('acme_client');
select throws_ok($$select public.upsert_session_note(tests.ref('b3'), 'x')$$, 'PT403', 'FORBIDDEN', 'upsert_session_note: FORBIDDEN for the client');
select tests.act_as('rival_provider');
select throws_ok($$select public.upsert_session_note(tests.ref('b3'), 'x')$$, 'PT404', 'NOT_FOUND', 'upsert_session_note: NOT_FOUND from another organization');
select tests.act_as_signed_out();
select throws_ok($$select public.upsert_session_note(tests.ref('b3'), 'x')$$, 'PT401', 'UNAUTHORIZED', 'upsert_session_note: UNAUTHORIZED');
select tests.authenticate_as_anon();
select throws_ok($$select public.upsert_session_note(tests.ref('b3'), 'x')$$, '42501', null, 'upsert_session_note: anon cannot execute it');

-- the lock is enforced by the database for every writer -----------------------------------------
select tests.act_as('acme_provider');
select throws_ok(format($$update public.session_notes set notes = 'rewritten' where booking_id = %L$$, tests.ref('b_old')),
  'PT422', 'NOTE_LOCKED', 'lock: a direct update of a locked note fails');
select is(tests.affected_rows(format($$update public.session_notes set notes = 'Amended.', locks_at = now() + interval '100 days', booking_id = %L where booking_id = %L$$,
    tests.ref('b3'), tests.ref('b1'))), 1,
  'lock: an unlocked note can be amended directly by its author');
select tests.clear_authentication();
select results_eq($$select notes, locks_at, booking_id from public.session_notes where notes = 'Amended.'$$,
  $$values ('Amended.'::text, now() + interval '24 hours', tests.ref('b1'))$$,
  'lock: but its lock time and booking cannot be moved');
select tests.authenticate_as_service_role();
select throws_ok(format($$update public.session_notes set notes = 'rewritten' where booking_id = %L$$, tests.ref('b_old')),
  'PT422', 'NOTE_LOCKED', 'lock: not even service_role changes a locked note');

-- RLS: select --------------------------------------------------------------------------------------
select tests.act_as('acme_owner');
select is((select count(*)::int from public.session_notes), 4, 'select: the owner reads every note');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.session_notes), 4, 'select: an admin reads every note');
select tests.act_as('acme_provider');
select is((select count(*)::int from public.session_notes), 3, 'select: a provider reads their own notes');
select tests.act_as('acme_provider2');
select is((select count(*)::int from public.session_notes), 1, 'select: another provider reads only theirs');
select tests.act_as('acme_client');
select is((select count(*)::int from public.session_notes), 3, 'select: the client reads the notes of their bookings');
select tests.act_as('acme_client2');
select is((select count(*)::int from public.session_notes), 1, 'select: another client reads only theirs');
select tests.act_as('rival_owner');
select is_empty($$select 1 from public.session_notes$$, 'select: another organization reads nothing');
select tests.authenticate_as_anon();
select is_empty($$select 1 from public.session_notes$$, 'select: anon reads nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.session_notes where organization_id = tests.org_id('acme')), 4, 'select: service_role reads everything');

-- RLS: insert --------------------------------------------------------------------------------------
select tests.act_as('acme_provider');
select lives_ok(format($$insert into public.session_notes (booking_id, provider_id, notes) values (%L, %L, 'Direct write.')$$, tests.ref('b3'), tests.uid('acme_provider')),
  'insert: the provider of the booking writes a note directly');
select throws_ok(format($$insert into public.session_notes (booking_id, provider_id, notes) values (%L, %L, 'Not mine.')$$, tests.ref('b2'), tests.uid('acme_provider')),
  '42501', null, 'insert: not for another provider''s booking');
select tests.act_as('acme_admin');
select throws_ok(format($$insert into public.session_notes (booking_id, provider_id, notes) values (%L, %L, 'Admin.')$$, tests.ref('b2'), tests.uid('acme_admin')),
  '42501', null, 'insert: an admin does not write notes');
select tests.act_as('acme_client');
select throws_ok(format($$insert into public.session_notes (booking_id, provider_id, notes) values (%L, %L, 'Client.')$$, tests.ref('b2'), tests.uid('acme_client')),
  '42501', null, 'insert: a client does not write notes');
select tests.act_as('rival_provider');
select throws_ok(format($$insert into public.session_notes (booking_id, provider_id, notes) values (%L, %L, 'Rival.')$$, tests.ref('b2'), tests.uid('rival_provider')),
  '42501', null, 'insert: another organization does not write notes');
select tests.authenticate_as_anon();
select throws_ok(format($$insert into public.session_notes (booking_id, notes) values (%L, 'Anon.')$$, tests.ref('b2')),
  '42501', null, 'insert: anon does not write notes');

-- RLS: update and delete -------------------------------------------------------------------------
select tests.act_as('acme_client');
select is(tests.affected_rows($$update public.session_notes set notes = 'client edit'$$), 0, 'update: a client cannot edit notes');
select tests.act_as('acme_admin');
select is(tests.affected_rows($$update public.session_notes set notes = 'admin edit'$$), 0, 'update: an admin cannot edit notes');
select tests.act_as('acme_provider2');
select is(tests.affected_rows(format($$update public.session_notes set notes = 'x' where booking_id = %L$$, tests.ref('b3'))), 0,
  'update: a provider cannot edit another provider''s note');
select tests.act_as('acme_provider');
select is(tests.affected_rows($$delete from public.session_notes$$), 0, 'delete: a provider cannot delete notes');
select tests.act_as('acme_client');
select is(tests.affected_rows($$delete from public.session_notes$$), 0, 'delete: a client cannot delete notes');
select tests.act_as('rival_owner');
select is(tests.affected_rows($$delete from public.session_notes$$), 0, 'delete: another organization cannot delete notes');
select tests.act_as('acme_admin');
select is(tests.affected_rows(format($$delete from public.session_notes where booking_id = %L$$, tests.ref('b_delete'))), 1,
  'delete: an admin deletes a note');
select tests.act_as('acme_owner');
select is(tests.affected_rows(format($$delete from public.session_notes where booking_id = %L$$, tests.ref('b_old'))), 1,
  'delete: the owner deletes a note, even a locked one');
select tests.authenticate_as_service_role();
select is(tests.affected_rows(format($$delete from public.session_notes where booking_id = %L$$, tests.ref('b3'))), 1,
  'delete: service_role deletes a note');

select * from finish();
rollback;
