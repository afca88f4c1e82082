-- Waitlists (issue 14): a full workshop/course session takes waiting clients in queue order; a
-- freed place (cancellation, a booking moved away, capacity raised) books the first waiting
-- client in the same transaction under every booking rule, credits included; one who can no
-- longer be booked is skipped with the reason and the next one is tried. Every role, every code.
begin;
select plan(76);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_client text;
begin
  perform tests.seed_org('rival');
  foreach v_client in array array['acme_c2', 'acme_c3', 'acme_c4', 'acme_c5', 'acme_c6'] loop
    perform tests.add_member('acme', v_client, 'client');
  end loop;
  perform tests.remember('yoga', tests.seed_bookable_service(v_acme, 'Yoga', 60, 2, 20));
  perform tests.remember('physio', tests.seed_bookable_service(v_acme, 'Physio', 60));
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'));
  perform tests.remember('full', tests.seed_group_session(tests.ref('yoga'), tests.slot(0, '18:00'), 2));
  perform tests.remember('later', tests.seed_group_session(tests.ref('yoga'), tests.slot(1, '18:00'), 2));
  perform tests.remember('open', tests.seed_group_session(tests.ref('yoga'), tests.slot(2, '18:00'), 2));
  perform tests.remember('private', tests.seed_group_session(tests.ref('yoga'), tests.slot(3, '18:00'), 1, 'private'));
  perform tests.remember('ending', tests.seed_group_session(tests.ref('yoga'), tests.slot(4, '18:00'), 1));
  perform tests.remember('one_to_one', tests.seed_booking(tests.ref('physio'), tests.uid('acme_c2'), tests.slot(5, '10:00')));
  -- the full session: acme_client and acme_c2 hold its two places
  perform private.join_service_session(tests.ref('full'), tests.uid('acme_client'));
  perform private.join_service_session(tests.ref('full'), tests.uid('acme_c2'));
  perform private.join_service_session(tests.ref('private'), tests.uid('acme_c2'), 'regular', true);
  perform private.join_service_session(tests.ref('ending'), tests.uid('acme_c2'));
end
$$;

-- joining: position by time, one place per client --------------------------------------------
select tests.act_as('acme_c3');
select results_eq(
  $$select r ->> 'status', (r ->> 'position')::int, (r ->> 'waiting')::int, r ->> 'booking_kind'
    from public.join_waitlist(tests.ref('full')) r$$,
  $$values ('waiting', 1, 1, 'regular')$$,
  'join_waitlist: a client joins a full session at position 1');
select is((public.join_waitlist(tests.ref('full')) ->> 'position')::int, 1,
  'join_waitlist: joining again keeps the place (one entry per client)');
select tests.act_as('acme_c4');
select is((public.join_waitlist(tests.ref('full')) ->> 'position')::int, 2, 'join_waitlist: the next client is second');
select tests.act_as('acme_admin');
select is((public.join_waitlist(tests.ref('full'), p_client_id => tests.uid('acme_c5')) ->> 'position')::int, 3,
  'join_waitlist: an admin puts a client on the list');
select tests.act_as('acme_provider');
select is((public.join_waitlist(tests.ref('full'), 'trial', tests.uid('acme_c6')) ->> 'position')::int, 4,
  'join_waitlist: a provider puts a client on the list (as a trial)');
select throws_ok($$select public.join_waitlist(tests.ref('full'))$$, 'PT403', 'FORBIDDEN',
  'join_waitlist: a provider names the client (FORBIDDEN for themself)');
select tests.clear_authentication();
select is((select count(*)::int from public.waitlist_entries where service_session_id = tests.ref('full') and status = 'waiting'), 4,
  'join_waitlist: four clients wait');
select is((select count(*)::int from public.outbox_events where topic = 'waitlist.joined' and payload ->> 'service_session_id' = tests.ref('full')::text), 4,
  'join_waitlist: each join is announced once (waitlist.joined)');

-- refusals -------------------------------------------------------------------------------------
select tests.act_as('acme_client');
select throws_ok($$select public.join_waitlist(tests.ref('full'))$$, 'PT409', 'CONFLICT',
  'join_waitlist: CONFLICT for a client already booked into the session');
select throws_ok($$select public.join_waitlist(tests.ref('open'))$$, 'PT409', 'SESSION_NOT_FULL',
  'join_waitlist: SESSION_NOT_FULL while places are free');
select throws_ok($$select public.join_waitlist(tests.ref('private'))$$, 'PT403', 'FORBIDDEN',
  'join_waitlist: a client cannot wait for a private session');
select throws_ok($$select public.join_waitlist(tests.ref('full'), 'vip')$$, 'PT400', 'INVALID_REQUEST',
  'join_waitlist: INVALID_REQUEST for an unknown booking kind');
select throws_ok($$select public.join_waitlist(null)$$, 'PT400', 'INVALID_REQUEST',
  'join_waitlist: INVALID_REQUEST without a session');
select tests.act_as('acme_admin');
select throws_ok(
  $$select public.join_waitlist((select service_session_id from public.bookings where id = tests.ref('one_to_one')), p_client_id => tests.uid('acme_c3'))$$,
  'PT400', 'INVALID_REQUEST', 'join_waitlist: a 1-to-1 session has no waitlist');
select lives_ok($$select public.join_waitlist(tests.ref('private'), p_client_id => tests.uid('acme_c3'))$$,
  'join_waitlist: staff put a client on the waitlist of a private session');
select tests.act_as('rival_client');
select throws_ok($$select public.join_waitlist(tests.ref('full'))$$, 'PT404', 'NOT_FOUND',
  'join_waitlist: NOT_FOUND for a member of another organization');
select tests.act_as('rival_owner');
select throws_ok(format($$select public.join_waitlist(%L, p_client_id => %L)$$, tests.ref('full'), tests.uid('acme_c3')),
  'PT404', 'NOT_FOUND', 'join_waitlist: another organization''s owner cannot name our client');
select tests.act_as_signed_out();
select throws_ok($$select public.join_waitlist(tests.ref('full'))$$, 'PT401', 'UNAUTHORIZED',
  'join_waitlist: UNAUTHORIZED without a user');
select tests.authenticate_as_anon();
select throws_ok(format($$select public.join_waitlist(%L)$$, tests.ref('full')), '42501', null,
  'join_waitlist: anon may not call it');
select tests.authenticate_as_service_role();
select throws_ok(format($$select public.join_waitlist(%L)$$, tests.ref('full')), 'PT400', 'INVALID_REQUEST',
  'join_waitlist: service_role names the client');
select tests.clear_authentication();

-- who sees the list -----------------------------------------------------------------------------
select tests.act_as('acme_c4');
select results_eq($$select client_id, position, waiting, booking_kind from public.get_waitlist(tests.ref('full'))$$,
  $$values (tests.uid('acme_c4'), 2, 4, 'regular'::text)$$,
  'get_waitlist: a client sees only their own place, with its true position');
select results_eq($$select client_id from public.waitlist_entries$$, $$values (tests.uid('acme_c4'))$$,
  'RLS: a client reads only their own entries');
select tests.act_as('acme_client');
select is_empty($$select * from public.get_waitlist(tests.ref('full'))$$, 'get_waitlist: a client who does not wait sees no one');
select throws_ok($$select * from public.get_waitlist(tests.ref('private'))$$, 'PT404', 'NOT_FOUND',
  'get_waitlist: NOT_FOUND for a private session the client cannot see');
select tests.act_as('acme_provider');
select results_eq($$select client_id, position from public.get_waitlist(tests.ref('full'))$$,
  $$values (tests.uid('acme_c3'), 1), (tests.uid('acme_c4'), 2), (tests.uid('acme_c5'), 3), (tests.uid('acme_c6'), 4)$$,
  'get_waitlist: a provider sees the queue in order');
select tests.act_as('acme_owner');
select is((select count(*)::int from public.waitlist_entries where organization_id = tests.org_id('acme')), 5,
  'RLS: the owner reads every entry of the organization');
select is((select count(*)::int from public.get_waitlist(tests.ref('full'))), 4, 'get_waitlist: the owner sees the queue');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.get_waitlist(tests.ref('full'))), 4, 'get_waitlist: an admin sees the queue');
select tests.act_as('rival_owner');
select is_empty($$select 1 from public.waitlist_entries where organization_id = tests.org_id('acme')$$,
  'RLS: another organization''s owner reads no entry');
select throws_ok(format($$select * from public.get_waitlist(%L)$$, tests.ref('full')), 'PT404', 'NOT_FOUND',
  'get_waitlist: NOT_FOUND for another organization');
select tests.authenticate_as_anon();
select throws_ok(format($$select * from public.get_waitlist(%L)$$, tests.ref('full')), '42501', null,
  'get_waitlist: anon may not call it');
select is((select count(*)::int from public.waitlist_entries), 0, 'RLS: anon reads no entry');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.get_waitlist(tests.ref('full'))), 4, 'get_waitlist: service_role sees the queue');

-- nobody writes the table directly ------------------------------------------------------------
select tests.act_as('acme_owner');
select throws_ok(
  format($$insert into public.waitlist_entries (organization_id, service_session_id, client_id) values (%L, %L, %L)$$,
         tests.org_id('acme'), tests.ref('open'), tests.uid('acme_c3')),
  '42501', null, 'direct writes: not even the owner inserts an entry');
select throws_ok($$update public.waitlist_entries set status = 'left'$$, '42501', null,
  'direct writes: nobody updates an entry');
select tests.act_as('acme_c4');
select throws_ok($$delete from public.waitlist_entries$$, '42501', null, 'direct writes: nobody deletes an entry');
select tests.clear_authentication();

-- a cancellation promotes the first waiting client -------------------------------------------
select tests.act_as('acme_client');
select lives_ok($$select public.cancel_booking(tests.booking_id(tests.ref('full'), tests.uid('acme_client')), 'Cannot come')$$,
  'promotion: the first booked client cancels');
select tests.clear_authentication();
select results_eq(
  $$select e.status, b.client_id, b.status, b.booking_kind from public.waitlist_entries e join public.bookings b on b.id = e.booking_id
    where e.service_session_id = tests.ref('full') and e.client_id = tests.uid('acme_c3')$$,
  $$values ('promoted'::text, tests.uid('acme_c3'), 'confirmed'::text, 'regular'::text)$$,
  'promotion: the first waiting client is booked in the same transaction');
select results_eq(
  $$select current_participants, max_participants from public.service_sessions where id = tests.ref('full')$$,
  $$values (2, 2)$$, 'promotion: the session is full again, never above its capacity');
select is(
  (select reason from public.booking_status_history where booking_id = tests.booking_id(tests.ref('full'), tests.uid('acme_c3'))),
  'Promoted from the waitlist', 'promotion: the new booking''s history says why it exists');
select results_eq(
  $$select payload ->> 'client_id', payload ->> 'booking_id' from public.outbox_events
    where topic = 'waitlist.promoted' and payload ->> 'service_session_id' = tests.ref('full')::text$$,
  $$values (tests.uid('acme_c3')::text, tests.booking_id(tests.ref('full'), tests.uid('acme_c3'))::text)$$,
  'promotion: waitlist.promoted names the client and the booking');
select is((select count(*)::int from public.outbox_events where topic = 'booking.created'
            and payload ->> 'booking_id' = tests.booking_id(tests.ref('full'), tests.uid('acme_c3'))::text), 1,
  'promotion: the booking is announced like any other (booking.created)');
select tests.act_as('acme_c4');
select is((select position from public.get_waitlist(tests.ref('full'))), 1, 'promotion: everyone moves up one place');
select tests.clear_authentication();

-- credits included: a client who cannot pay is skipped, the next one is booked ----------------
do $$
begin
  update public.organization_settings set requires_subscription = true where organization_id = tests.org_id('acme');
  perform tests.seed_subscription(tests.org_id('acme'), tests.uid('acme_c5'), 5);
end
$$;
select tests.act_as('acme_c2');
select lives_ok($$select public.cancel_booking(tests.booking_id(tests.ref('full'), tests.uid('acme_c2')), 'Away')$$,
  'skip: a second place frees');
select tests.clear_authentication();
select results_eq(
  $$select client_id, status, skip_code from public.waitlist_entries
    where service_session_id = tests.ref('full') and client_id in (tests.uid('acme_c4'), tests.uid('acme_c5')) order by queue_number$$,
  $$values (tests.uid('acme_c4'), 'skipped'::text, 'NO_CREDITS_LEFT'::text), (tests.uid('acme_c5'), 'promoted'::text, null::text)$$,
  'skip: the client without credits is skipped with the reason, the next one is booked');
select is((select subscription_id from public.bookings where id = tests.booking_id(tests.ref('full'), tests.uid('acme_c5'))),
  tests.active_subscription(tests.org_id('acme'), tests.uid('acme_c5')), 'skip: the promoted booking spends a credit');
select is((select payload ->> 'code' from public.outbox_events where topic = 'waitlist.skipped' and payload ->> 'client_id' = tests.uid('acme_c4')::text),
  'NO_CREDITS_LEFT', 'skip: waitlist.skipped tells the client why');
select is((select count(*)::int from public.waitlist_entries where service_session_id = tests.ref('full') and status = 'waiting'), 1,
  'skip: one client still waits (the trial)');

-- raising the capacity promotes ------------------------------------------------------------------
select tests.act_as('acme_provider');
select is(tests.affected_rows(format($$update public.service_sessions set max_participants = 3 where id = %L$$, tests.ref('full'))), 1,
  'capacity: the provider adds a place');
select tests.clear_authentication();
select results_eq(
  $$select e.status, b.booking_kind, b.subscription_id is null from public.waitlist_entries e join public.bookings b on b.id = e.booking_id
    where e.client_id = tests.uid('acme_c6') and e.service_session_id = tests.ref('full')$$,
  $$values ('promoted'::text, 'trial'::text, true)$$,
  'capacity: the waiting trial client is booked (a trial spends no credit)');
select is((select current_participants from public.service_sessions where id = tests.ref('full')), 3, 'capacity: 3 of 3 places');

-- a booking moved to another session frees its place ------------------------------------------
update public.organization_settings set requires_subscription = false where organization_id = tests.org_id('acme');
select tests.act_as('acme_client');
select is((public.join_waitlist(tests.ref('full')) ->> 'position')::int, 1, 'reschedule: a client waits for the full session');
select tests.act_as('acme_admin');
select lives_ok(
  $$select public.reschedule_booking(tests.booking_id(tests.ref('full'), tests.uid('acme_c5')), tests.slot(1, '18:00'))$$,
  'reschedule: an admin moves a booking to the later session');
select tests.clear_authentication();
select is((select status from public.waitlist_entries where client_id = tests.uid('acme_client') and service_session_id = tests.ref('full')),
  'promoted', 'reschedule: the place it left goes to the waiting client');

-- leaving ---------------------------------------------------------------------------------------
select tests.act_as('acme_c4');
select throws_ok($$select public.leave_waitlist(tests.ref('full'))$$, 'PT404', 'NOT_FOUND',
  'leave_waitlist: NOT_FOUND when not waiting (a skipped entry left the queue)');
select is((public.join_waitlist(tests.ref('full')) ->> 'position')::int, 1, 'leave_waitlist: a skipped client may join again');
select results_eq($$select r ->> 'status', r ->> 'position' from public.leave_waitlist(tests.ref('full')) r$$,
  $$values ('left'::text, null::text)$$, 'leave_waitlist: the client leaves the queue');
select tests.act_as('acme_admin');
select is(public.join_waitlist(tests.ref('full'), p_client_id => tests.uid('acme_c4')) ->> 'status', 'waiting',
  'leave_waitlist: staff put the client back');
select is(public.leave_waitlist(tests.ref('full'), tests.uid('acme_c4')) ->> 'status', 'left',
  'leave_waitlist: staff take a client off the list');
select tests.act_as('rival_owner');
select throws_ok(format($$select public.leave_waitlist(%L, %L)$$, tests.ref('full'), tests.uid('acme_c4')), 'PT404', 'NOT_FOUND',
  'leave_waitlist: NOT_FOUND for another organization');
select tests.authenticate_as_anon();
select throws_ok(format($$select public.leave_waitlist(%L)$$, tests.ref('full')), '42501', null, 'leave_waitlist: anon may not call it');
select tests.authenticate_as_service_role();
select is(public.join_waitlist(tests.ref('full'), p_client_id => tests.uid('acme_c4')) ->> 'status', 'waiting',
  'join_waitlist: service_role puts a named client on the list');
select is(public.leave_waitlist(tests.ref('full'), tests.uid('acme_c4')) ->> 'status', 'left',
  'leave_waitlist: service_role takes a named client off');
select throws_ok(format($$select public.leave_waitlist(%L)$$, tests.ref('full')), 'PT400', 'INVALID_REQUEST',
  'leave_waitlist: service_role names the client');
select tests.clear_authentication();

-- a session that ends takes its queue with it ----------------------------------------------------
select tests.act_as('acme_c3');
select is(public.join_waitlist(tests.ref('ending')) ->> 'status', 'waiting', 'expiry: a client waits for a session');
select tests.clear_authentication();
update public.service_sessions set status = 'completed' where id = tests.ref('ending');
select is((select status from public.waitlist_entries where service_session_id = tests.ref('ending')), 'expired',
  'expiry: the session completed, the waiting entry expired');
select is((select count(*)::int from public.outbox_events where topic = 'waitlist.expired' and payload ->> 'service_session_id' = tests.ref('ending')::text), 1,
  'expiry: waitlist.expired tells the client');
select tests.act_as('acme_c3');
select throws_ok($$select public.join_waitlist(tests.ref('ending'))$$, 'PT422', 'BOOKING_IN_PAST',
  'expiry: nobody joins the queue of a session that took place');
select tests.clear_authentication();

-- a declined pending booking frees its place (approvals) ----------------------------------------
do $$
begin
  perform tests.remember('approved', tests.seed_bookable_service(tests.org_id('acme'), 'Pilates', 60, 1));
  update public.services set requires_approval = true where id = tests.ref('approved');
  perform tests.remember('pilates', tests.seed_group_session(tests.ref('approved'), tests.slot(6, '18:00'), 1));
end
$$;
select tests.act_as('acme_c3');
select is((public.book_session(tests.ref('pilates'))).status, 'pending', 'approval: the client''s booking waits for approval, holding the place');
select tests.act_as('acme_c4');
select is(public.join_waitlist(tests.ref('pilates')) ->> 'position', '1', 'approval: the next client waits');
select tests.act_as('acme_provider');
select lives_ok($$select public.decline_booking(tests.booking_id(tests.ref('pilates'), tests.uid('acme_c3')), 'Fully booked for you')$$,
  'approval: the provider declines the pending booking');
select tests.clear_authentication();
select results_eq(
  $$select e.status, b.client_id from public.waitlist_entries e join public.bookings b on b.id = e.booking_id
    where e.service_session_id = tests.ref('pilates')$$,
  $$values ('promoted'::text, tests.uid('acme_c4'))$$,
  'approval: the declined place goes to the waiting client');

-- the integrity report counts a client waiting behind a free place -------------------------------
select is(public.integrity_report(tests.org_id('acme')) -> 'invariants' -> 16 -> 'violations', '0'::jsonb,
  'integrity: nobody waits behind a free place');
do $$
begin
  -- a place freed behind the promotion trigger's back (an operator's session with it disabled)
  perform public.join_waitlist(tests.ref('later'), p_client_id => tests.uid('acme_c4'))
  from (select private.join_service_session(tests.ref('later'), tests.uid('acme_c3'))) as b3;
  alter table public.service_sessions disable trigger service_sessions_promote_waitlist;
  update public.service_sessions set max_participants = 3 where id = tests.ref('later');
  alter table public.service_sessions enable trigger service_sessions_promote_waitlist;
end
$$;
select is(tests.invariant(tests.org_id('acme'), 'waiting_behind_free_places'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(
    (select id::text from public.waitlist_entries where service_session_id = tests.ref('later') and status = 'waiting'))),
  'integrity: waiting_behind_free_places counts the client left waiting behind a free place');
select is(private.promote_waitlist(tests.ref('later')), 1, 'integrity: private.promote_waitlist repairs it');
select is(tests.invariant(tests.org_id('acme'), 'waiting_behind_free_places') -> 'violations', '0'::jsonb,
  'integrity: and the report is clean again');

select * from finish();
rollback;
