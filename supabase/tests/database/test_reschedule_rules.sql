-- Rescheduling closes the loopholes (issue 10 §2): a client cannot move a booking out of the
-- late-cancellation window (TOO_LATE_TO_RESCHEDULE; staff can), a credit-paid booking cannot be
-- moved past its subscription's validity unless another active subscription of the client
-- covers the new time (then the credit moves, audited), and a treatment session obeys its order
-- and gaps exactly as when it was booked.
-- Dates: day 0 = the first Monday at least 7 days ahead (tests.slot), organization in UTC,
-- cancellation_notice_hours = 24 (the default).
begin;
select plan(24);

do $$
declare
  v_org uuid := tests.seed_org('rsr');
  v_session uuid;
  v_soon timestamptz := date_trunc('hour', now()) + interval '5 hours';  -- inside the 24-hour window
begin
  perform tests.add_member('rsr', 'rsr_client2', 'client');
  v_session := tests.seed_bookable_service(v_org, 'Session', 60);
  perform tests.remember('session', v_session);
  perform tests.remember('plan', tests.seed_treatment_service(v_org, 'Plan', 3, 'immediate'));
  perform tests.seed_weekly_hours(v_org, tests.uid('rsr_provider'));
  -- subscription A: valid until day 10
  perform tests.remember('sub_a', tests.seed_subscription(v_org, tests.uid('rsr_client'), 10, 'active', now() - interval '1 day', tests.slot(10, '00:00')));
  perform tests.remember('soon', tests.seed_booking(v_session, tests.uid('rsr_client'), v_soon));
  perform tests.remember('soon2', tests.seed_booking(v_session, tests.uid('rsr_client'), v_soon + interval '1 hour'));
  perform tests.remember('paid', tests.seed_booking(v_session, tests.uid('rsr_client'), tests.slot(3, '10:00')));
end
$$;

-- inside the late-cancellation window ----------------------------------------------------------
select tests.act_as('rsr_client');
select throws_ok($$select public.reschedule_booking(tests.ref('soon'), tests.slot(0, '10:00'))$$,
  'PT422', 'TOO_LATE_TO_RESCHEDULE', 'a client cannot move a booking inside the late-cancellation window');
select is((tests.error_of($$select public.reschedule_booking(tests.ref('soon'), tests.slot(0, '10:00'))$$)) ->> 'hint', 'p_booking_id',
  'TOO_LATE_TO_RESCHEDULE names the booking');
select is(public.cancel_booking(tests.ref('soon'), 'Cannot make it') ->> 'cancellation_policy_applied', 'credit_forfeited',
  'so the late cancellation stays late: the credit is forfeited');
select is((select start_time from public.bookings where id = tests.ref('soon')), date_trunc('hour', now()) + interval '5 hours',
  'the refused move changed nothing');
select tests.act_as('rsr_provider');
select is((select start_time from public.reschedule_booking(tests.ref('soon2'), tests.slot(0, '11:00'))), tests.slot(0, '11:00'),
  'the provider may still move it');
select tests.act_as('rsr_client');
select is((select start_time from public.reschedule_booking(tests.ref('soon2'), tests.slot(0, '12:00'))), tests.slot(0, '12:00'),
  'once it is outside the window again, the client moves it');

-- the subscription's validity ---------------------------------------------------------------------
select is((select subscription_id from public.reschedule_booking(tests.ref('paid'), tests.slot(4, '10:00'))), tests.ref('sub_a'),
  'a move within the subscription''s validity keeps its credit');
select throws_ok($$select public.reschedule_booking(tests.ref('paid'), tests.slot(14, '10:00'))$$,
  'PT409', 'NO_CREDITS_LEFT', 'a move past the subscription''s expiry is refused (as booking that time would be)');
select is((tests.error_of($$select public.reschedule_booking(tests.ref('paid'), tests.slot(14, '10:00'))$$)) ->> 'hint', 'p_new_starts_at',
  'NO_CREDITS_LEFT names the new time');
select tests.act_as('rsr_admin');
select throws_ok($$select public.reschedule_booking(tests.ref('paid'), tests.slot(14, '10:00'))$$,
  'PT409', 'NO_CREDITS_LEFT', 'staff cannot move it there either');
select tests.clear_authentication();
select results_eq($$select start_time, subscription_id from public.bookings where id = tests.ref('paid')$$,
  $$values (tests.slot(4, '10:00'), tests.ref('sub_a'))$$, 'nothing half-written: still at day 4 on subscription A');
do $$
begin
  -- the client moved to a bigger package: A superseded, B active until day 60
  update public.subscriptions set status = 'superseded' where id = tests.ref('sub_a');
  perform tests.remember('sub_b', tests.seed_subscription(tests.org_id('rsr'), tests.uid('rsr_client'), 5, 'active', now() - interval '1 hour', tests.slot(60, '00:00')));
end
$$;
select tests.act_as('rsr_client');
select is((select subscription_id from public.reschedule_booking(tests.ref('paid'), tests.slot(14, '10:00'))), tests.ref('sub_b'),
  'past A''s expiry, another active subscription covering the new time takes the credit');
select tests.clear_authentication();
select results_eq(
  $$select old_values ->> 'subscription_id', new_values ->> 'subscription_id', actor_id from public.audit_log
    where action = 'booking.credit_moved' and entity_id = tests.ref('paid')$$,
  $$values (tests.ref('sub_a')::text, tests.ref('sub_b')::text, tests.uid('rsr_client'))$$,
  'the credit move is audited (booking.credit_moved: from A to B, by whom)');
select results_eq(
  $$select payload ->> 'previous_subscription_id', payload ->> 'subscription_id' from public.outbox_events
    where topic = 'booking.rescheduled' and payload ->> 'booking_id' = tests.ref('paid')::text
      and payload ->> 'starts_at' = to_jsonb(tests.slot(14, '10:00')) ->> 0$$,
  $$values (tests.ref('sub_a')::text, tests.ref('sub_b')::text)$$,
  'the booking.rescheduled event says where the credit went');
select is(tests.balance(tests.ref('sub_b')),
  '{"total": 5, "completed": 0, "scheduled": 1, "forfeited": 0, "remaining": 4}'::jsonb,
  'B''s balance counts the moved booking');
select is((select count(*)::int from public.bookings where subscription_id = tests.ref('sub_a') and id = tests.ref('paid')), 0,
  'A no longer does');

-- a treatment session keeps its order and gaps (7 days) --------------------------------------------
select tests.act_as('rsr_client2');
do $$
declare
  v_group uuid;
begin
  v_group := (public.book_treatment(tests.ref('plan'), tests.uid('rsr_provider'), tests.slot(0, '13:00')) ->> 'session_group_id')::uuid;
  perform tests.remember('t1', (select id from public.bookings where session_group_id = v_group and session_number = 1));
  perform tests.remember('t2', (select id from public.bookings where session_group_id = v_group and session_number = 2));
end
$$;
select throws_ok($$select public.reschedule_booking(tests.ref('t2'), tests.slot(0, '09:00'))$$,
  'PT422', 'TREATMENT_BUFFER_NOT_MET', 'session 2 cannot move before session 1');
select throws_ok($$select public.reschedule_booking(tests.ref('t2'), tests.slot(3, '13:00'))$$,
  'PT422', 'TREATMENT_BUFFER_NOT_MET', 'nor inside the 7-day gap after session 1');
select throws_ok($$select public.reschedule_booking(tests.ref('t2'), tests.slot(10, '13:00'))$$,
  'PT422', 'TREATMENT_BUFFER_NOT_MET', 'nor inside the 7-day gap before session 3');
select is((tests.error_of($$select public.reschedule_booking(tests.ref('t2'), tests.slot(10, '13:00'))$$)) ->> 'hint', 'p_new_starts_at',
  'TREATMENT_BUFFER_NOT_MET names the new time');
select throws_ok($$select public.reschedule_booking(tests.ref('t1'), tests.slot(8, '13:00'))$$,
  'PT422', 'TREATMENT_BUFFER_NOT_MET', 'session 1 cannot move after session 2');
select tests.act_as('rsr_provider');
select throws_ok($$select public.reschedule_booking(tests.ref('t2'), tests.slot(3, '13:00'))$$,
  'PT422', 'TREATMENT_BUFFER_NOT_MET', 'staff are held to the order and gaps too');
select tests.act_as('rsr_client2');
select is((select start_time from public.reschedule_booking(tests.ref('t2'), tests.slot(7, '15:00'))), tests.slot(7, '15:00'),
  'a move that keeps both gaps is fine');
select is((select start_time from public.reschedule_booking(tests.ref('t1'), tests.slot(0, '09:00'))), tests.slot(0, '09:00'),
  'session 1 may move earlier on its day');

select * from finish();
rollback;
