-- Cancelling: cancel_booking() and a direct insert into booking_cancellations are one
-- implementation with two entry points (same checks, same error codes, same effects: status,
-- status history, participant count, 1-to-1 session cancelled, audit_log, outbox). Seed 002's
-- error cases: INVALID_REQUEST, UNAUTHORIZED, NOT_FOUND, FORBIDDEN, ALREADY_CANCELLED,
-- BOOKING_IN_PAST. Cancellations are immutable.
begin;
select plan(46);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_physio uuid;
  v_yoga uuid;
begin
  perform tests.seed_org('rival');
  perform tests.add_member('acme', 'acme_client2', 'client');
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  v_physio := tests.seed_bookable_service(v_acme, 'Physio', 60);
  v_yoga := tests.seed_bookable_service(v_acme, 'Yoga', 60, 10);
  perform tests.remember('physio', v_physio);
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'));
  perform tests.remember('b_rpc', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(0, '09:00')));
  perform tests.remember('b_direct', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(0, '11:00')));
  perform tests.remember('b_admin', tests.seed_booking(v_physio, tests.uid('acme_client2'), tests.slot(1, '09:00')));
  perform tests.remember('b_provider', tests.seed_booking(v_physio, tests.uid('acme_client2'), tests.slot(1, '11:00')));
  perform tests.remember('b_other', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(2, '09:00'), tests.uid('acme_provider2')));
  perform tests.remember('b_past', tests.seed_booking(v_physio, tests.uid('acme_client'), now() - interval '1 day'));
  perform tests.remember('b_done', tests.seed_booking(v_physio, tests.uid('acme_client'), now() - interval '3 days', null, 'completed'));
  perform tests.remember('b_delete', tests.seed_booking(v_physio, tests.uid('acme_client'), tests.slot(3, '09:00')));
  perform tests.remember('yoga_session', tests.seed_group_session(v_yoga, tests.slot(0, '18:00'), 10));
  perform tests.remember('b_seat', (public.book_session(tests.ref('yoga_session'), p_client_id => tests.uid('acme_client'))).id);
  perform public.book_session(tests.ref('yoga_session'), p_client_id => tests.uid('acme_client2'));
end
$$;

-- cancel_booking: the client cancels ---------------------------------------------------------
select tests.act_as('acme_client');
select results_eq(
  $$select r ->> 'success', r ->> 'message', r ->> 'booking_id', r ->> 'cancellation_policy_applied'
    from public.cancel_booking(tests.ref('b_rpc'), 'Feeling unwell') as r$$,
  $$values ('true', 'Booking cancelled successfully. No refund will be processed.', tests.ref('b_rpc')::text, 'no_refund')$$,
  'cancel_booking: {success, message, booking_id, cancellation_policy_applied}');
select tests.clear_authentication();
select is((select status from public.bookings where id = tests.ref('b_rpc')), 'cancelled', 'cancel_booking: the booking is cancelled');
select results_eq(
  $$select organization_id, cancelled_by, reason, cancellation_policy_applied from public.booking_cancellations where booking_id = tests.ref('b_rpc')$$,
  $$values (tests.org_id('acme'), tests.uid('acme_client'), 'Feeling unwell'::text, 'no_refund'::text)$$,
  'cancel_booking: exactly one cancellation record: who, why, which policy');
select results_eq(
  $$select from_status, to_status, changed_by, reason from public.booking_status_history where booking_id = tests.ref('b_rpc') and to_status = 'cancelled'$$,
  $$values ('confirmed'::text, 'cancelled'::text, tests.uid('acme_client'), 'Feeling unwell'::text)$$,
  'cancel_booking: the status history records the change with its reason');
select results_eq(
  $$select ss.status, ss.current_participants from public.service_sessions ss join public.bookings b on b.service_session_id = ss.id where b.id = tests.ref('b_rpc')$$,
  $$values ('cancelled'::text, 0)$$,
  'cancel_booking: the private 1-to-1 session is cancelled with it and holds nobody');
select results_eq(
  $$select actor_id, entity, new_values ->> 'status' from public.audit_log where action = 'booking.cancelled' and entity_id = tests.ref('b_rpc')$$,
  $$values (tests.uid('acme_client'), 'bookings'::text, 'cancelled'::text)$$,
  'cancel_booking: an audit_log entry');
select results_eq(
  $$select payload ->> 'reason', payload ->> 'cancelled_by' from public.outbox_events where topic = 'booking.cancelled' and payload ->> 'booking_id' = tests.ref('b_rpc')::text$$,
  $$values ('Feeling unwell', tests.uid('acme_client')::text)$$,
  'cancel_booking: a booking.cancelled outbox event');
select tests.act_as('acme_client2');
select lives_ok($$select public.book_individual_session(tests.ref('physio'), tests.uid('acme_provider'), tests.slot(0, '09:00'))$$,
  'cancel_booking: the freed slot can be booked again');
select tests.act_as('acme_client');
select throws_ok($$select public.cancel_booking(tests.ref('b_rpc'), 'again')$$, 'PT409', 'ALREADY_CANCELLED',
  'cancel_booking: ALREADY_CANCELLED the second time');
select is((select count(*)::int from public.booking_cancellations where booking_id = tests.ref('b_rpc')), 1,
  'cancel_booking: still one cancellation record');

-- a direct insert (seed 002's frontend) is the same cancellation ----------------------------
select lives_ok(
  format($$insert into public.booking_cancellations (booking_id, reason, cancelled_by, cancellation_policy_applied) values (%L, 'Travel', %L, 'credit_restored')$$,
    tests.ref('b_direct'), tests.uid('acme_admin')),
  'direct insert: a client cancels through PostgREST');
select tests.clear_authentication();
select results_eq(
  $$select b.status, c.cancelled_by, c.cancellation_policy_applied, c.organization_id
    from public.bookings b join public.booking_cancellations c on c.booking_id = b.id where b.id = tests.ref('b_direct')$$,
  $$values ('cancelled'::text, tests.uid('acme_client'), 'no_refund'::text, tests.org_id('acme'))$$,
  'direct insert: the database decides who cancelled and which policy applied, and cancels the booking');
select is((select count(*)::int from public.outbox_events where topic = 'booking.cancelled' and payload ->> 'booking_id' = tests.ref('b_direct')::text), 1,
  'direct insert: the same outbox event');
select is((select count(*)::int from public.audit_log where action = 'booking.cancelled' and entity_id = tests.ref('b_direct')), 1,
  'direct insert: the same audit entry');
select tests.act_as('acme_client');
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason) values (%L, 'again')$$, tests.ref('b_direct')),
  'PT409', 'ALREADY_CANCELLED', 'direct insert: ALREADY_CANCELLED, as from the RPC');
select throws_ok(format($$insert into public.booking_cancellations (booking_id) values (%L)$$, tests.ref('b_admin')),
  'PT400', 'INVALID_REQUEST', 'direct insert: INVALID_REQUEST without a reason');
select is(tests.error_of(format($$insert into public.booking_cancellations (booking_id) values (%L)$$, tests.ref('b_admin'))) ->> 'hint', 'reason',
  'direct insert: hint names the column');
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason) values (%L, 'not mine')$$, tests.ref('b_admin')),
  'PT403', 'FORBIDDEN', 'direct insert: FORBIDDEN for someone else''s booking, as from the RPC');
select tests.act_as('rival_owner');
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason) values (%L, 'sneaky')$$, tests.ref('b_admin')),
  'PT404', 'NOT_FOUND', 'direct insert: NOT_FOUND from another organization');

-- who may cancel ----------------------------------------------------------------------------
select throws_ok($$select public.cancel_booking(tests.ref('b_admin'), 'sneaky')$$, 'PT404', 'NOT_FOUND',
  'cancel_booking: NOT_FOUND for a member of another organization');
select tests.act_as('acme_client2');
select throws_ok($$select public.cancel_booking(tests.ref('b_other'), 'not mine')$$, 'PT403', 'FORBIDDEN',
  'cancel_booking: FORBIDDEN for another client of the organization');
select tests.act_as('acme_provider');
select throws_ok($$select public.cancel_booking(tests.ref('b_other'), 'not mine')$$, 'PT403', 'FORBIDDEN',
  'cancel_booking: FORBIDDEN for a provider who does not provide the booking');
select lives_ok($$select public.cancel_booking(tests.ref('b_provider'), 'Provider ill')$$, 'cancel_booking: the provider cancels their booking');
select tests.act_as('acme_admin');
select lives_ok($$select public.cancel_booking(tests.ref('b_admin'), 'Clinic closed')$$, 'cancel_booking: an admin cancels any booking of the organization');
select tests.clear_authentication();
select results_eq(
  $$select booking_id, cancelled_by from public.booking_cancellations where booking_id in (tests.ref('b_provider'), tests.ref('b_admin')) order by reason$$,
  $$values (tests.ref('b_admin'), tests.uid('acme_admin')), (tests.ref('b_provider'), tests.uid('acme_provider'))$$,
  'cancel_booking: the record names who cancelled');

-- arguments, caller, time --------------------------------------------------------------------
select tests.act_as('acme_client');
select throws_ok($$select public.cancel_booking(gen_random_uuid(), 'x')$$, 'PT404', 'NOT_FOUND', 'cancel_booking: NOT_FOUND for an unknown booking');
select throws_ok($$select public.cancel_booking(null, 'x')$$, 'PT400', 'INVALID_REQUEST', 'cancel_booking: INVALID_REQUEST without a booking id');
select is(tests.error_of($$select public.cancel_booking(null, 'x')$$) ->> 'hint', 'p_booking_id', 'cancel_booking: hint p_booking_id');
select throws_ok($$select public.cancel_booking(tests.ref('b_other'), '   ')$$, 'PT400', 'INVALID_REQUEST', 'cancel_booking: INVALID_REQUEST for a blank reason');
select is(tests.error_of($$select public.cancel_booking(tests.ref('b_other'), null)$$) ->> 'hint', 'p_reason', 'cancel_booking: hint p_reason');
select throws_ok($$select public.cancel_booking(tests.ref('b_past'), 'too late')$$, 'PT422', 'BOOKING_IN_PAST',
  'cancel_booking: BOOKING_IN_PAST once the session has started');
select throws_ok($$select public.cancel_booking(tests.ref('b_done'), 'too late')$$, 'PT422', 'BOOKING_IN_PAST',
  'cancel_booking: BOOKING_IN_PAST for a completed booking');
select tests.act_as_signed_out();
select throws_ok($$select public.cancel_booking(tests.ref('b_other'), 'x')$$, 'PT401', 'UNAUTHORIZED', 'cancel_booking: UNAUTHORIZED without a user');
select tests.authenticate_as_anon();
select throws_ok($$select public.cancel_booking(tests.ref('b_other'), 'x')$$, '42501', null, 'cancel_booking: anon cannot execute it');
select throws_ok(format($$insert into public.booking_cancellations (booking_id, reason) values (%L, 'x')$$, tests.ref('b_other')),
  'PT401', 'UNAUTHORIZED', 'direct insert: UNAUTHORIZED for anon, as from the RPC');

-- a workshop seat ----------------------------------------------------------------------------
select tests.act_as('acme_client');
select lives_ok($$select public.cancel_booking(tests.ref('b_seat'), 'Busy')$$, 'workshop: the client gives up their seat');
select tests.clear_authentication();
select results_eq($$select status, current_participants from public.service_sessions where id = tests.ref('yoga_session')$$,
  $$values ('scheduled'::text, 1)$$, 'workshop: one place freed, the session itself goes on');

-- immutability ---------------------------------------------------------------------------------
select tests.act_as('acme_client');
select throws_ok($$update public.booking_cancellations set reason = 'changed my mind'$$, '42501', null,
  'immutable: a client cannot edit a cancellation (not granted)');
select tests.act_as('acme_owner');
select throws_ok($$delete from public.booking_cancellations$$, '42501', null, 'immutable: an owner cannot delete a cancellation (not granted)');
select tests.act_as('acme_provider');
select throws_ok(format($$update public.bookings set status = 'confirmed' where id = %L$$, tests.ref('b_provider')),
  'PT409', 'ALREADY_CANCELLED', 'immutable: a cancelled booking cannot be revived');
select tests.act_as('acme_admin');
select throws_ok(format($$update public.bookings set status = 'cancelled' where id = %L$$, tests.ref('b_other')),
  'PT400', 'INVALID_REQUEST', 'cancelling is never a bare status update (no record would exist)');
-- even a (mistaken) grant and permissive policy could not change a cancellation: the trigger refuses
select tests.clear_authentication();
grant update on public.booking_cancellations to authenticated;
create policy booking_cancellations_test_only on public.booking_cancellations for update to authenticated using (true);
select tests.act_as('acme_client');
select throws_ok($$update public.booking_cancellations set reason = 'rewritten'$$, 'PT422', 'IMMUTABLE_RECORD',
  'immutable: the trigger refuses any change by a user, whatever the policies');
select tests.authenticate_as_service_role();
select is(tests.affected_rows(format($$update public.booking_cancellations set reason = 'Feeling unwell (corrected)' where booking_id = %L$$, tests.ref('b_rpc'))), 1,
  'immutable: service_role may correct a record');
select tests.clear_authentication();
drop policy booking_cancellations_test_only on public.booking_cancellations;
revoke update on public.booking_cancellations from authenticated;
do $$
begin
  perform set_config('role', 'authenticated', true);
  perform tests.authenticate_as('acme_client');
  perform public.cancel_booking(tests.ref('b_delete'), 'Moving away');
  perform tests.clear_authentication();
end
$$;
select tests.act_as('acme_owner');
select throws_ok(format($$delete from public.bookings where id = %L$$, tests.ref('b_delete')), '42501', null,
  'an owner cannot delete a booking (bookings are cancelled, never deleted)');
select tests.authenticate_as_service_role();
select is(tests.affected_rows(format($$delete from public.bookings where id = %L$$, tests.ref('b_delete'))), 1,
  'a cancelled booking deleted by service_role takes its cancellation and history with it');
select tests.clear_authentication();
select is((select count(*)::int from public.booking_status_history where booking_id = tests.ref('b_delete')), 0,
  'no orphaned history rows');

select * from finish();
rollback;
