-- Writes go through the rules (issue 11): every state change of a booking, a session or a credit
-- has one path with one set of rules. Each attack is made as PostgREST would (role
-- authenticated with the attacker's claims, writing the table) and refused with a contract code;
-- what the legacy frontend legitimately does by writing tables keeps working under the RPCs'
-- rules (a client's 1-to-1 insert into bookings, a provider's notes, confirming, completing a
-- started booking, staff creating workshops). The write matrix per table and role is
-- tests/test_write_matrix.py.
begin;
select plan(57);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_physio uuid := tests.seed_bookable_service(v_acme, 'Physio', 60, 1, 50);
  v_yoga uuid := tests.seed_bookable_service(v_acme, 'Yoga', 60, 10, 20);
begin
  perform tests.seed_org('rival');
  perform tests.create_user('stranger');
  perform tests.add_member('acme', 'acme_client2', 'client');
  perform tests.remember('physio', v_physio);
  perform tests.remember('yoga', v_yoga);
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'));
  perform tests.remember('sub', tests.seed_subscription(v_acme, tests.uid('acme_client'), 2));
  -- a future booking that spent a credit, and a workshop on day 2
  perform set_config('role', 'authenticated', true);
  perform tests.authenticate_as('acme_client');
  perform tests.remember('future', (public.book_individual_session(v_physio, tests.uid('acme_provider'), tests.slot(0, '09:00'))).id);
  perform tests.clear_authentication();
  perform tests.remember('workshop', tests.seed_group_session(v_yoga, tests.slot(2, '18:00'), 10));
  perform tests.remember('other_workshop', tests.seed_group_session(v_yoga, tests.slot(2, '20:00'), 10));
end
$$;

-- bookings: the attacks ------------------------------------------------------------------------
select tests.act_as('acme_provider');
select is(tests.error_of(format($$update public.bookings set status = 'completed' where id = %L$$, tests.ref('future'))) - 'detail',
  '{"sqlstate": "PT422", "message": "BOOKING_NOT_STARTED", "hint": "status"}'::jsonb,
  'attack: completing a future booking by writing its status is refused like complete_booking (BOOKING_NOT_STARTED)');
select is(tests.error_of(format($$update public.bookings set status = 'no_show' where id = %L$$, tests.ref('future'))) ->> 'message',
  'BOOKING_NOT_STARTED', 'attack: marking a future booking a no-show (forfeiting the credit) is refused');
select is(tests.error_of(format($$update public.bookings set subscription_id = null where id = %L$$, tests.ref('future'))) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "subscription_id"}'::jsonb,
  'attack: handing a spent credit back (subscription_id = null) is refused');
select tests.act_as('acme_admin');
select is(tests.error_of(format($$update public.bookings set subscription_id = null where id = %L$$, tests.ref('future'))) ->> 'message',
  'INVALID_REQUEST', 'attack: ... by an owner/admin too');
select is(tests.balance(tests.ref('sub')) ->> 'remaining', '1', 'the credit stays spent');
select is(tests.error_of(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time)
    values (%L, %L, %L, %L, %L, %L)$$, tests.org_id('acme'), tests.uid('stranger'), tests.uid('acme_provider'), tests.ref('physio'),
    tests.slot(1, '09:00'), tests.slot(1, '10:00'))) - 'detail',
  '{"sqlstate": "PT404", "message": "NOT_FOUND", "hint": "client_id"}'::jsonb,
  'attack: an insert booking a user who is not a client of the organization is NOT_FOUND');
select is(tests.error_of(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, status)
    values (%L, %L, %L, %L, %L, %L, 'cancelled')$$, tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.ref('physio'),
    tests.slot(1, '09:00'), tests.slot(1, '10:00'))) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "status"}'::jsonb,
  'attack: an insert of a cancelled booking (no cancellation record) is refused');
select is((public.integrity_report(tests.org_id('acme')) -> 'invariants') @> '[{"name": "cancelled_bookings_without_cancellation", "violations": 0}]', true,
  'integrity_report: no cancelled booking without a cancellation');
select is(tests.error_of(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, service_session_id, start_time, end_time)
    values (%L, %L, %L, %L, %L, %L, %L)$$, tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.ref('yoga'),
    tests.ref('workshop'), tests.slot(2, '18:00'), tests.slot(2, '19:00'))) ->> 'hint',
  'service_session_id', 'an insert naming a session is refused (book_session is the way: capacity, visibility, window)');
select is(tests.error_of(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, subscription_id)
    values (%L, %L, %L, %L, %L, %L, %L)$$, tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.ref('physio'),
    tests.slot(1, '09:00'), tests.slot(1, '10:00'), tests.ref('sub'))) ->> 'hint',
  'subscription_id', 'an insert cannot choose the credit it spends');
select is(tests.error_of(format($$update public.bookings set start_time = %L, end_time = %L where id = %L$$,
    tests.slot(3, '09:00'), tests.slot(3, '10:00'), tests.ref('future'))) ->> 'hint',
  'start_time', 'a booking is not moved by writing its times (reschedule_booking is the way)');
select is(tests.error_of(format($$update public.bookings set booking_kind = 'trial' where id = %L$$, tests.ref('future'))) ->> 'hint',
  'booking_kind', 'a regular booking does not become a trial (which would drop its credit)');
select is(tests.error_of(format($$update public.bookings set price = 0 where id = %L$$, tests.ref('future'))) ->> 'hint',
  'price', 'the price snapshot is fixed');
select is(tests.error_of(format($$update public.bookings set client_id = %L where id = %L$$, tests.uid('acme_client2'), tests.ref('future'))) ->> 'hint',
  'client_id', 'a booking does not change hands');
select throws_ok(format($$delete from public.bookings where id = %L$$, tests.ref('future')), '42501', null,
  'a booking is never deleted by a user (it is cancelled)');

-- bookings: what the legacy frontend does --------------------------------------------------------
select tests.act_as('acme_client');
select lives_ok(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, price)
    values (%L, %L, %L, %L, %L, %L, 0)$$, tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.ref('physio'),
    tests.slot(1, '09:00'), tests.slot(1, '10:00')),
  'legacy: a client books a 1-to-1 session by inserting a booking with start_time/end_time ...');
select tests.clear_authentication();
do $$ begin perform tests.remember('legacy', (select id from public.bookings where client_id = tests.uid('acme_client') and start_time = tests.slot(1, '09:00'))); end $$;
select results_eq(format($$select ss.kind, ss.visibility, ss.current_participants, b.status, b.price, b.subscription_id is not null
    from public.bookings b join public.service_sessions ss on ss.id = b.service_session_id where b.id = %L$$, tests.ref('legacy')),
  $$values ('individual'::text, 'private'::text, 1, 'pending'::text, 50.00::numeric, true)$$,
  '... which gets its private service session, the service''s price (not the one sent) and a credit, as book_individual_session');
select is((select count(*)::int from public.outbox_events where topic = 'booking.created' and payload ->> 'booking_id' = tests.ref('legacy')::text), 1,
  '... and its booking.created event');
select tests.act_as('acme_client2');
select is(tests.error_of(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time)
    values (%L, %L, %L, %L, %L, %L)$$, tests.org_id('acme'), tests.uid('acme_client2'), tests.uid('acme_provider'), tests.ref('physio'),
    tests.slot(1, '09:30'), tests.slot(1, '10:30'))) - 'detail',
  '{"sqlstate": "PT409", "message": "SLOT_TAKEN", "hint": "start_time"}'::jsonb,
  'legacy: an overlapping insert is SLOT_TAKEN (hints name the columns)');
select is(tests.error_of(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time)
    values (%L, %L, %L, %L, %L, %L)$$, tests.org_id('acme'), tests.uid('acme_client2'), tests.uid('acme_provider'), tests.ref('physio'),
    tests.slot(1, '05:00'), tests.slot(1, '06:00'))) ->> 'message',
  'OUTSIDE_AVAILABILITY', 'legacy: outside working hours is OUTSIDE_AVAILABILITY');
select is(tests.error_of(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time)
    values (%L, %L, %L, %L, %L, %L)$$, tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.ref('physio'),
    tests.slot(4, '09:00'), tests.slot(4, '10:00'))) ->> 'message',
  'FORBIDDEN', 'legacy: a client books for themself only (FORBIDDEN, as book_individual_session)');
select is(tests.error_of(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time)
    values (%L, %L, %L, %L, %L, %L)$$, tests.org_id('acme'), tests.uid('acme_client2'), tests.uid('acme_provider'), tests.ref('physio'),
    tests.slot(4, '09:00'), tests.slot(4, '09:00') + interval '30 days')) ->> 'hint',
  'end_time', 'legacy: a month-long booking is refused (a session lasts at most 24 hours)');
select tests.act_as('acme_provider');
select is(tests.affected_rows(format($$update public.bookings set notes = 'Bring the X-ray' where id = %L$$, tests.ref('legacy'))), 1,
  'legacy: the provider updates a booking''s notes');
select is(tests.affected_rows(format($$update public.bookings set status = 'confirmed' where id = %L$$, tests.ref('legacy'))), 1,
  'legacy: the provider confirms a pending booking');
select is(tests.error_of(format($$update public.bookings set status = 'pending' where id = %L$$, tests.ref('legacy'))) ->> 'message',
  'INVALID_REQUEST', 'a confirmed booking does not go back to pending');
select is(tests.error_of(format($$update public.bookings set status = 'cancelled' where id = %L$$, tests.ref('legacy'))) ->> 'message',
  'INVALID_REQUEST', 'cancelling is never a status update (cancel_booking or an insert into booking_cancellations)');
select tests.clear_authentication();
do $$ begin perform tests.move_session((select service_session_id from public.bookings where id = tests.ref('legacy')), now() - interval '2 hours'); end $$;
select tests.act_as('acme_provider');
select is(tests.affected_rows(format($$update public.bookings set status = 'completed' where id = %L$$, tests.ref('legacy'))), 1,
  'legacy: once started, the provider completes a booking by writing its status ...');
select tests.clear_authentication();
select results_eq(format($$select (select count(*)::int from public.outbox_events where topic = 'booking.completed' and payload ->> 'booking_id' = %L),
                                 (select ss.status from public.service_sessions ss join public.bookings b on b.service_session_id = ss.id where b.id = %L)$$,
    tests.ref('legacy'), tests.ref('legacy')),
  $$values (1, 'completed'::text)$$, '... with complete_booking''s effects (booking.completed event, the 1-to-1 session completed)');
select tests.act_as('acme_provider');
select is(tests.error_of(format($$update public.bookings set status = 'no_show' where id = %L$$, tests.ref('legacy'))) ->> 'message',
  'CONFLICT', 'a completed booking is not marked a no-show afterwards (CONFLICT, as mark_no_show)');

-- bookings: nobody else's calendar -------------------------------------------------------------------
select tests.act_as('stranger');
do $$
begin
  perform tests.remember('stranger_org', (public.create_organization('Stranger Things', 'stranger-things', 'UTC')).id);
end
$$;
select tests.clear_authentication();
do $$
begin
  perform tests.remember('stranger_service', tests.seed_bookable_service(tests.ref('stranger_org'), 'Block', 60));
  insert into public.organization_members (organization_id, user_id, role, status)
  values (tests.ref('stranger_org'), tests.uid('rival_client'), 'client', 'accepted');
end
$$;
select tests.act_as('stranger');
select is(tests.error_of(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time)
    values (%L, %L, %L, %L, %L, %L)$$, tests.ref('stranger_org'), tests.uid('rival_client'), tests.uid('acme_provider'), tests.ref('stranger_service'),
    tests.slot(0, '00:00'), tests.slot(0, '00:00') + interval '365 days')) - 'detail',
  '{"sqlstate": "PT404", "message": "NOT_FOUND", "hint": "provider_id"}'::jsonb,
  'attack: a year-long booking of another organization''s provider inserted in one''s own organization is NOT_FOUND');
select tests.act_as('acme_client2');
select is((select count(*)::int from public.get_available_slots(tests.uid('acme_provider'), tests.ref('physio'), tests.next_weekday(1) + 5, tests.next_weekday(1) + 5)),
  8, 'the provider''s day is untouched (8 slots)');

-- service_sessions ------------------------------------------------------------------------------------
select tests.act_as('acme_provider');
select lives_ok(format($$insert into public.service_sessions (organization_id, service_id, provider_id, kind, starts_at, ends_at, max_participants, location)
    values (%L, %L, %L, 'workshop', %L, %L, 8, 'Studio')$$, tests.org_id('acme'), tests.ref('yoga'), tests.uid('acme_provider'),
    tests.slot(3, '18:00'), tests.slot(3, '19:30')),
  'legacy: a provider creates a workshop by inserting it');
select results_eq(format($$select session_type_id is not null, current_participants, status from public.service_sessions where starts_at = %L$$, tests.slot(3, '18:00')),
  $$values (true, 0, 'scheduled'::text)$$, '... under create_service_session''s rules (session type applied, no participants)');
select is(tests.error_of(format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)
    values (%L, %L, %L, %L, %L)$$, tests.org_id('acme'), tests.ref('yoga'), tests.uid('acme_provider'), tests.slot(3, '19:00'), tests.slot(3, '20:00'))) - 'detail',
  '{"sqlstate": "PT409", "message": "SLOT_TAKEN", "hint": "starts_at"}'::jsonb,
  'a session overlapping the provider''s own is SLOT_TAKEN');
select is(tests.error_of(format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)
    values (%L, %L, %L, now() - interval '2 hours', now() - interval '1 hour')$$, tests.org_id('acme'), tests.ref('yoga'), tests.uid('acme_provider'))) ->> 'message',
  'BOOKING_IN_PAST', 'a session is not scheduled in the past');
select is(tests.error_of(format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)
    values (%L, %L, %L, %L, %L)$$, tests.org_id('acme'), tests.ref('yoga'), tests.uid('acme_provider'), tests.slot(5, '00:00'), tests.slot(5, '00:00') + interval '365 days')) ->> 'hint',
  'ends_at', 'a year-long session is refused (at most 24 hours)');
select is(tests.error_of(format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at, status)
    values (%L, %L, %L, %L, %L, 'completed')$$, tests.org_id('acme'), tests.ref('yoga'), tests.uid('acme_provider'), tests.slot(5, '18:00'), tests.slot(5, '19:00'))) ->> 'hint',
  'status', 'a new session is scheduled');
select is(tests.affected_rows(format($$update public.service_sessions set location = 'Garden', max_participants = 12 where id = %L$$, tests.ref('workshop'))), 1,
  'the provider changes a workshop''s room and capacity');
select is(tests.error_of(format($$update public.service_sessions set starts_at = %L, ends_at = %L where id = %L$$,
    tests.slot(3, '18:30'), tests.slot(3, '19:30'), tests.ref('workshop'))) ->> 'message',
  'SLOT_TAKEN', 'moving a workshop onto the provider''s other session is SLOT_TAKEN');
select is(tests.affected_rows(format($$update public.service_sessions set starts_at = %L, ends_at = %L where id = %L$$,
    tests.slot(4, '18:00'), tests.slot(4, '19:00'), tests.ref('workshop'))), 1,
  'moving a workshop to a free time works');
select is(tests.error_of(format($$update public.service_sessions set status = 'completed' where id = %L$$, tests.ref('workshop'))) ->> 'message',
  'BOOKING_NOT_STARTED', 'a future session is not completed');
select is(tests.error_of(format($$update public.service_sessions set service_id = %L where id = %L$$, tests.ref('physio'), tests.ref('workshop'))) ->> 'hint',
  'service_id', 'a session does not change service');
select is(tests.error_of(format($$update public.service_sessions set current_participants = 3 where id = %L$$, tests.ref('workshop'))) ->> 'hint',
  'current_participants', 'the participant count is the database''s');
select is(tests.affected_rows(format($$update public.service_sessions set status = 'cancelled' where id = %L$$, tests.ref('other_workshop'))), 1,
  'the provider cancels an empty workshop ...');
do $$
begin
  perform set_config('role', 'authenticated', true);
  perform tests.authenticate_as('acme_admin');
  perform public.create_service_session(tests.ref('yoga'), tests.uid('acme_provider'), tests.slot(2, '20:00'));
end
$$;
select is(tests.error_of(format($$update public.service_sessions set status = 'scheduled' where id = %L$$, tests.ref('other_workshop'))) ->> 'message',
  'SLOT_TAKEN', '... which is not revived once its time is taken');

-- subscriptions -------------------------------------------------------------------------------------
select tests.act_as('acme_admin');
select is(tests.error_of(format($$update public.subscriptions set client_id = %L where id = %L$$, tests.uid('acme_client2'), tests.ref('sub'))) ->> 'hint',
  'client_id', 'credits do not move to another client by editing a subscription');
select is(tests.affected_rows(format($$update public.subscriptions set status = 'paused' where id = %L$$, tests.ref('sub'))), 1,
  'the admin pauses a subscription');
select is(tests.error_of(format($$update public.subscriptions set status = 'superseded' where id = %L$$, tests.ref('sub'))) ->> 'hint',
  'status', 'superseded, expired and completed are the database''s');
select is(tests.error_of(format($$update public.subscriptions set starts_at = now() - interval '1 year' where id = %L$$, tests.ref('sub'))) ->> 'hint',
  'starts_at', 'a subscription''s period does not start earlier by editing it');
select tests.clear_authentication();
update public.packages set is_active = false where id = (select package_id from public.subscriptions where id = tests.ref('sub'));
select tests.act_as('acme_admin');
select is(tests.error_of(format($$insert into public.subscriptions (organization_id, client_id, package_id, total_sessions)
    select %L, %L, package_id, 2 from public.subscriptions where id = %L$$, tests.org_id('acme'), tests.uid('acme_client2'), tests.ref('sub'))) ->> 'message',
  'PACKAGE_INACTIVE', 'a package no longer sold is not sold by a direct insert either');
select throws_ok(format($$delete from public.subscriptions where id = %L$$, tests.ref('sub')), '42501', null,
  'a subscription is never deleted by a user (it is cancelled)');

-- the rest of the catalogue --------------------------------------------------------------------------
select is(tests.error_of(format($$insert into public.services (organization_id, name, provider_id) values (%L, 'Guest star', %L)$$,
    tests.org_id('acme'), tests.uid('rival_provider'))) - 'detail',
  '{"sqlstate": "PT404", "message": "NOT_FOUND", "hint": "provider_id"}'::jsonb,
  'a service is offered by a provider of the organization (or by anyone of it: null)');
select is(tests.error_of(format($$update public.packages set provider_id = %L where organization_id = %L$$, tests.uid('stranger'), tests.org_id('acme'))) ->> 'message',
  'NOT_FOUND', 'so is a package');
select is(tests.error_of(format($$update public.services set organization_id = %L where id = %L$$, tests.org_id('rival'), tests.ref('yoga'))) ->> 'hint',
  'organization_id', 'a row never moves to another organization');
select tests.act_as('acme_owner');
select is(tests.error_of($$update public.organization_settings set organization_id = organization_id$$), null,
  'an unchanged organization_id is fine');

-- session notes --------------------------------------------------------------------------------------
select tests.act_as('acme_client');
select lives_ok(format($$select public.cancel_booking(%L, 'Cannot make it')$$, tests.ref('future')), 'the client cancels their booking');
select tests.act_as('acme_provider');
select is(tests.error_of(format($$insert into public.session_notes (booking_id, provider_id, notes) values (%L, %L, 'Notes')$$,
    tests.ref('future'), tests.uid('acme_provider'))) ->> 'message',
  'ALREADY_CANCELLED', 'a cancelled booking gets no session note, even inserted directly (as upsert_session_note)');

select * from finish();
rollback;
