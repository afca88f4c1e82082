-- Approval (issue 14): a service can require the provider's confirmation. A client's own booking
-- starts pending and holds its slot and its credit; the provider or an owner/admin confirms or
-- declines it (the slot released, the credit restored, who declined recorded); unanswered ones
-- expire by the pg_cron job. Events booking.pending, booking.confirmed, booking.declined,
-- booking.expired. Every role: owner, admin, provider, client, a member of another
-- organization, anon, service_role.
begin;
select plan(82);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
begin
  perform tests.seed_org('rival');
  perform tests.add_member('acme', 'acme_provider2', 'provider');
  perform tests.add_member('acme', 'acme_client2', 'client');
  perform tests.remember('vetted', tests.seed_bookable_service(v_acme, 'Vetted', 60));
  perform tests.remember('slow', tests.seed_bookable_service(v_acme, 'Slow', 60));
  perform tests.remember('plain', tests.seed_bookable_service(v_acme, 'Plain', 60));
  perform tests.remember('class', tests.seed_bookable_service(v_acme, 'Class', 60, 5));
  update public.services set requires_approval = true where id in (tests.ref('vetted'), tests.ref('slow'), tests.ref('class'));
  update public.services set approval_timeout_hours = 720 where id = tests.ref('slow');
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'), '09:00', '12:00');
  perform tests.remember('workshop', tests.seed_group_session(tests.ref('class'), tests.slot(6, '11:00'), 5));
  perform tests.remember('sub', tests.seed_subscription(v_acme, tests.uid('acme_client'), 20));
end
$$;

-- a client's own booking starts pending and holds slot and credit -------------------------------
select tests.act_as('acme_client');
do $$
begin
  perform tests.remember('p1', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(0, '09:00'))));
end
$$;
select results_eq(
  $$select status, approval_expires_at, subscription_id from public.bookings where id = tests.ref('p1')$$,
  $$values ('pending'::text, now() + interval '24 hours', tests.ref('sub'))$$,
  'pending: a client''s booking of a service requiring approval starts pending, answer due in approval_timeout_hours');
select is(tests.balance(tests.ref('sub')) -> 'scheduled', '1'::jsonb,
  'pending: the credit is spent at once (a pending booking is scheduled)');
select is_empty(
  $$select 1 from public.get_available_slots(tests.uid('acme_provider'), tests.ref('plain'), tests.next_weekday(1), tests.next_weekday(1))
    where starts_at = tests.slot(0, '09:00')$$,
  'pending: its slot is gone from every service''s slot search');
select tests.act_as('acme_client2');
select throws_ok($$select public.book_individual_session(tests.ref('plain'), tests.uid('acme_provider'), tests.slot(0, '09:00'))$$,
  'PT409', 'SLOT_TAKEN', 'pending: nobody else can book the slot it holds');
select tests.act_as('acme_client');
do $$
begin
  perform tests.remember('p2', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(0, '11:00'))));
  perform tests.remember('p3', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(1, '09:00'))));
  perform tests.remember('p4', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(1, '11:00'))));
  perform tests.remember('p5', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(2, '09:00'))));
  perform tests.remember('p6', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(2, '11:00'))));
  perform tests.remember('p7', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(3, '09:00'))));
  perform tests.remember('p8', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(3, '11:00'))));
  perform tests.remember('p9', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(4, '09:00'))));
  perform tests.remember('p10', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(4, '11:00'))));
  perform tests.remember('p11', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(5, '09:00'))));
end
$$;
select is(tests.balance(tests.ref('sub')) -> 'scheduled', '11'::jsonb, 'pending: eleven pending bookings hold eleven credits');
select results_eq(
  $$select status, approval_expires_at from public.book_individual_session(tests.ref('slow'), tests.uid('acme_provider'), tests.slot(6, '09:00'))$$,
  $$values ('pending'::text, tests.slot(6, '09:00'))$$,
  'pending: the answer is due at the latest when the session starts');
do $$
begin
  perform tests.remember('w1', (select id from public.book_session(tests.ref('workshop'))));
end
$$;
select results_eq(
  $$select b.status, ss.current_participants from public.bookings b join public.service_sessions ss on ss.id = b.service_session_id where b.id = tests.ref('w1')$$,
  $$values ('pending'::text, 1)$$,
  'pending: joining a workshop that requires approval is pending and takes a place');
select results_eq(
  format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, status)
           values (%L, %L, %L, %L, tests.slot(0, '10:00'), tests.slot(0, '11:00'), 'confirmed')
           returning status, approval_expires_at is not null$$,
         tests.org_id('acme'), tests.uid('acme_client'), tests.uid('acme_provider'), tests.ref('vetted')),
  $$values ('pending'::text, true)$$,
  'pending: a client''s direct insert awaits approval too, whatever status it wrote');
select tests.act_as('acme_client2');
select results_eq(
  $$select status, approval_expires_at from public.book_individual_session(tests.ref('plain'), tests.uid('acme_provider'), tests.slot(5, '10:00'))$$,
  $$values ('confirmed'::text, null::timestamptz)$$,
  'pending: a service without approval books confirmed as before');

-- staff booking for a client is the approval -------------------------------------------------------
select tests.act_as('acme_provider');
select results_eq(
  format($$select status, approval_expires_at from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(5, '11:00'), null, 'regular', %L)$$,
         tests.uid('acme_client2')),
  $$values ('confirmed'::text, null::timestamptz)$$,
  'staff: a provider booking for a client books confirmed (their booking is the approval)');
select tests.authenticate_as_service_role();
select results_eq(
  format($$select status from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(6, '10:00'), null, 'regular', %L)$$,
         tests.uid('acme_client2')),
  $$values ('confirmed'::text)$$,
  'staff: so does the system (service_role)');

-- events ------------------------------------------------------------------------------------------
select results_eq(
  $$select topic, (payload ->> 'approval_expires_at')::timestamptz from public.outbox_events
    where payload ->> 'booking_id' = tests.ref('p1')::text order by id$$,
  $$values ('booking.created'::text, null::timestamptz), ('booking.pending', now() + interval '24 hours')$$,
  'events: booking.created, then booking.pending with the answer deadline');

-- confirming ---------------------------------------------------------------------------------------
select tests.act_as('acme_client');
select throws_ok($$select public.confirm_booking(tests.ref('p1'))$$, 'PT403', 'FORBIDDEN', 'confirm: the client cannot confirm their own booking');
select tests.act_as('acme_provider2');
select throws_ok($$select public.confirm_booking(tests.ref('p1'))$$, 'PT403', 'FORBIDDEN', 'confirm: another provider of the organization cannot');
select tests.act_as('rival_owner');
select throws_ok($$select public.confirm_booking(tests.ref('p1'))$$, 'PT404', 'NOT_FOUND', 'confirm: NOT_FOUND for a member of another organization');
select tests.authenticate_as_anon();
select throws_ok($$select public.confirm_booking(tests.ref('p1'))$$, '42501', null, 'confirm: anon cannot execute it');
select tests.act_as_signed_out();
select throws_ok($$select public.confirm_booking(tests.ref('p1'))$$, 'PT401', 'UNAUTHORIZED', 'confirm: UNAUTHORIZED without a user');
select tests.act_as('acme_provider');
select throws_ok($$select public.confirm_booking(null)$$, 'PT400', 'INVALID_REQUEST', 'confirm: INVALID_REQUEST without a booking id');
select results_eq(
  $$select status from public.confirm_booking(tests.ref('p1'))$$,
  $$values ('confirmed'::text)$$,
  'confirm: the booking''s provider confirms it');
select throws_ok($$select public.confirm_booking(tests.ref('p1'))$$, 'PT409', 'CONFLICT', 'confirm: a confirmed booking is not confirmed twice (CONFLICT)');
select results_eq(
  $$select from_status, to_status, reason, changed_by from public.booking_status_history where booking_id = tests.ref('p1') order by id$$,
  $$values (null::text, 'pending'::text, null::text, tests.uid('acme_client')), ('pending', 'confirmed', 'confirmed', tests.uid('acme_provider'))$$,
  'confirm: the history shows pending, then confirmed by the provider');
select is(tests.balance(tests.ref('sub')) -> 'scheduled', '14'::jsonb, 'confirm: the credit stays spent (11 + the slow one, the workshop, the direct insert)');
select tests.act_as('acme_admin');
select results_eq($$select status from public.confirm_booking(tests.ref('p3'))$$, $$values ('confirmed'::text)$$, 'confirm: an admin confirms');
select tests.authenticate_as_service_role();
select results_eq($$select status from public.confirm_booking(tests.ref('p4'))$$, $$values ('confirmed'::text)$$, 'confirm: service_role confirms');
select tests.act_as('acme_client2');
do $$
begin
  perform tests.remember('o1', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(1, '10:00'))));
  perform tests.remember('o2', (select id from public.book_individual_session(tests.ref('vetted'), tests.uid('acme_provider'), tests.slot(2, '10:00'))));
end
$$;
select tests.act_as('acme_owner');
select results_eq($$select status from public.confirm_booking(tests.ref('o1'))$$, $$values ('confirmed'::text)$$, 'confirm: the owner confirms');
select is(
  (select payload ->> 'confirmed_by' from public.outbox_events where topic = 'booking.confirmed' and payload ->> 'booking_id' = tests.ref('p1')::text),
  tests.uid('acme_provider')::text,
  'events: booking.confirmed names who confirmed');
select is(
  (select count(*)::int from public.audit_log where action = 'booking.confirmed' and entity_id in (tests.ref('p1'), tests.ref('p3'), tests.ref('p4'))),
  3, 'confirm: each confirmation is audited');

-- one path: a direct update is confirm_booking ------------------------------------------------------
select tests.act_as('acme_client');
select is(tests.affected_rows($$update public.bookings set status = 'confirmed' where id = tests.ref('p5')$$), 0,
  'direct: a client cannot confirm by updating the row (RLS)');
select tests.act_as('acme_provider');
select is(tests.affected_rows($$update public.bookings set status = 'confirmed' where id = tests.ref('p5')$$), 1,
  'direct: the provider''s update confirms it');
select tests.authenticate_as_service_role();
select is(
  (select count(*)::int from public.outbox_events where topic = 'booking.confirmed' and payload ->> 'booking_id' = tests.ref('p5')::text),
  1, 'direct: with confirm_booking''s booking.confirmed event');
select tests.act_as('acme_provider');
select is(tests.error_of($$update public.bookings set approval_expires_at = now() + interval '1 year' where id = tests.ref('p6')$$) ->> 'hint',
  'approval_expires_at', 'direct: nobody moves the answer deadline (hint approval_expires_at)');

-- declining -------------------------------------------------------------------------------------------
select tests.act_as('acme_client');
select throws_ok($$select public.decline_booking(tests.ref('p2'), 'No')$$, 'PT403', 'FORBIDDEN', 'decline: the client cannot decline (they cancel)');
select tests.act_as('acme_provider2');
select throws_ok($$select public.decline_booking(tests.ref('p2'), 'No')$$, 'PT403', 'FORBIDDEN', 'decline: another provider cannot');
select tests.act_as('rival_admin');
select throws_ok($$select public.decline_booking(tests.ref('p2'), 'No')$$, 'PT404', 'NOT_FOUND', 'decline: NOT_FOUND for a member of another organization');
select tests.authenticate_as_anon();
select throws_ok($$select public.decline_booking(tests.ref('p2'), 'No')$$, '42501', null, 'decline: anon cannot execute it');
select tests.act_as('acme_provider');
select is(tests.error_of($$select public.decline_booking(tests.ref('p2'), repeat('x', 2001))$$) ->> 'hint', 'p_reason',
  'decline: INVALID_REQUEST (hint p_reason) for a reason over 2000 characters');
select is(
  public.decline_booking(tests.ref('p2'), 'Fully booked that week') - 'cancellation_id',
  jsonb_build_object('success', true, 'message', 'Booking declined successfully. The session credit was restored.',
                     'booking_id', tests.ref('p2'), 'cancellation_policy_applied', 'credit_restored'),
  'decline: the provider declines; the credit is restored');
select results_eq(
  $$select cancellation_kind, cancelled_by, cancelled_by_role, reason from public.booking_cancellations where booking_id = tests.ref('p2')$$,
  $$values ('declined'::text, tests.uid('acme_provider'), 'provider'::text, 'Fully booked that week'::text)$$,
  'decline: the cancellation records who declined and why');
select is((select status from public.bookings where id = tests.ref('p2')), 'cancelled', 'decline: the booking is cancelled');
select is(
  (select reason from public.booking_status_history where booking_id = tests.ref('p2') and to_status = 'cancelled'),
  'declined: Fully booked that week', 'decline: the history says it was declined');
select isnt_empty(
  $$select 1 from public.get_available_slots(tests.uid('acme_provider'), tests.ref('plain'), tests.next_weekday(1), tests.next_weekday(1))
    where starts_at = tests.slot(0, '11:00')$$,
  'decline: the slot is free again');
select is(tests.balance(tests.ref('sub')) -> 'scheduled', '13'::jsonb, 'decline: the credit is back (scheduled 14 -> 13)');
select throws_ok($$select public.decline_booking(tests.ref('p2'), 'Again')$$, 'PT409', 'ALREADY_CANCELLED', 'decline: ALREADY_CANCELLED twice');
select throws_ok($$select public.decline_booking(tests.ref('p1'), 'Changed my mind')$$, 'PT409', 'CONFLICT', 'decline: a confirmed booking is cancelled, not declined (CONFLICT)');
select tests.authenticate_as_service_role();
select results_eq(
  $$select topic from public.outbox_events where payload ->> 'booking_id' = tests.ref('p2')::text and topic <> 'booking.created' order by id$$,
  $$values ('booking.pending'::text), ('booking.declined')$$,
  'events: booking.declined (and no booking.cancelled)');
select tests.act_as('acme_admin');
select is(public.decline_booking(tests.ref('p6')) ->> 'success', 'true', 'decline: an admin declines, a reason is optional');
select tests.act_as('acme_owner');
select is(public.decline_booking(tests.ref('o2'), 'Not this week') ->> 'success', 'true', 'decline: the owner declines');
select is((select reason from public.booking_status_history where booking_id = tests.ref('p6') and to_status = 'cancelled'),
  'declined', 'decline: without a reason the history says declined');
select tests.act_as('acme_provider');
select lives_ok($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (tests.ref('p7'), 'Not this time', 'declined')$$,
  'direct: the provider''s insert of a declined cancellation is decline_booking');
select results_eq(
  $$select b.status, c.cancellation_kind, c.cancellation_policy_applied from public.bookings b join public.booking_cancellations c on c.booking_id = b.id where b.id = tests.ref('p7')$$,
  $$values ('cancelled'::text, 'declined'::text, 'credit_restored'::text)$$,
  'direct: with the same effects');
select tests.act_as('acme_client');
select throws_ok($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (tests.ref('p8'), 'Me', 'declined')$$,
  'PT403', 'FORBIDDEN', 'direct: a client''s insert of a declined cancellation is refused');
select throws_ok($$insert into public.booking_cancellations (booking_id, reason, cancellation_kind) values (tests.ref('p8'), 'Me', 'expired')$$,
  'PT403', 'FORBIDDEN', 'direct: only the system expires a booking');
select tests.act_as('acme_provider');
select results_eq(
  $$select b.status, ss.current_participants from public.bookings b, public.service_sessions ss
    where b.id = tests.ref('w1') and ss.id = tests.ref('workshop')$$,
  $$values ('pending'::text, 1)$$,
  'workshop: before the answer the pending booking takes a place');
select lives_ok($$select public.decline_booking(tests.ref('w1'), 'Class is for beginners')$$, 'workshop: the provider declines the request');
select is((select current_participants from public.service_sessions where id = tests.ref('workshop')), 0, 'workshop: the place is free again');

-- the client withdraws: a pending booking never forfeits ------------------------------------------------
select tests.authenticate_as_service_role();
update public.organization_settings set cancellation_notice_hours = 8760 where organization_id = tests.org_id('acme');
select tests.act_as('acme_client');
select is(public.cancel_booking(tests.ref('p8'), 'Found another time') ->> 'cancellation_policy_applied', 'credit_restored',
  'withdraw: the client cancels their pending booking inside the late window and keeps the credit');
select is(public.cancel_booking(tests.ref('p1'), 'Cannot come') ->> 'cancellation_policy_applied', 'credit_forfeited',
  'withdraw: the same late cancellation of a confirmed booking forfeits it');

-- too late to answer ------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
update public.bookings set approval_expires_at = now() - interval '1 minute' where id = tests.ref('p9');
do $$ begin perform tests.move_session((select service_session_id from public.bookings where id = tests.ref('p10')), date_trunc('minute', now()) - interval '10 minutes'); end $$;
select tests.act_as('acme_provider');
select throws_ok($$select public.confirm_booking(tests.ref('p9'))$$, 'PT422', 'APPROVAL_EXPIRED', 'late: APPROVAL_EXPIRED past the answer deadline');
select throws_ok($$select public.decline_booking(tests.ref('p9'), 'Late')$$, 'PT422', 'APPROVAL_EXPIRED', 'late: declining too');
select is(tests.error_of($$update public.bookings set status = 'confirmed' where id = tests.ref('p9')$$) ->> 'message', 'APPROVAL_EXPIRED',
  'late: and a direct update');
select throws_ok($$select public.confirm_booking(tests.ref('p10'))$$, 'PT422', 'BOOKING_IN_PAST', 'late: BOOKING_IN_PAST once the session has started');
select throws_ok($$select public.complete_booking(tests.ref('p10'))$$, 'PT409', 'CONFLICT', 'late: a booking never confirmed is not completed (it expires)');

-- expiry ------------------------------------------------------------------------------------------------------------
select tests.act_as('acme_admin');
select throws_ok($$select private.expire_pending_bookings()$$, '42501', null, 'expiry: no user runs the job');
select tests.clear_authentication();
select cmp_ok(private.expire_pending_bookings(), '>=', 2, 'expiry: the job expires the bookings past their deadline');
select results_eq(
  $$select b.id, b.status, c.cancellation_kind, c.cancelled_by_role, c.cancelled_by, c.cancellation_policy_applied
    from public.bookings b join public.booking_cancellations c on c.booking_id = b.id
    where b.id in (tests.ref('p9'), tests.ref('p10')) order by b.id = tests.ref('p10')$$,
  $$values (tests.ref('p9'), 'cancelled'::text, 'expired'::text, 'system'::text, null::uuid, 'credit_restored'::text),
           (tests.ref('p10'), 'cancelled', 'expired', 'system', null, 'credit_restored')$$,
  'expiry: past the deadline or past the start: cancelled by the system as expired, credit restored');
select is((select status from public.bookings where id = tests.ref('p11')), 'pending', 'expiry: a booking still within its deadline waits');
select is(
  (select count(*)::int from public.outbox_events where topic = 'booking.expired' and payload ->> 'booking_id' in (tests.ref('p9')::text, tests.ref('p10')::text)),
  2, 'events: booking.expired for each');
select is(
  (select reason from public.booking_status_history where booking_id = tests.ref('p9') and to_status = 'cancelled'),
  'expired: Not answered in time.', 'expiry: the history says why');
select is(private.expire_pending_bookings() >= 0 and (select status from public.bookings where id = tests.ref('p11')) = 'pending', true,
  'expiry: running it again changes nothing of ours');
select ok(tests.cron_job_count('expire-pending-bookings') is null or tests.cron_job_count('expire-pending-bookings') = 1,
  'expiry: scheduled by pg_cron where it is installed');
select is(tests.invariant(tests.org_id('acme'), 'pending_bookings_past_deadline') -> 'violations', '0'::jsonb,
  'expiry: once the job ran, integrity_report finds no booking pending past its deadline');
update public.bookings set approval_expires_at = now() - interval '2 hours' where id = tests.ref('p11');
select is(tests.invariant(tests.org_id('acme'), 'pending_bookings_past_deadline'),
  jsonb_build_object('violations', 1, 'sample_ids', jsonb_build_array(tests.ref('p11')::text)),
  'expiry: a booking still pending two hours past its deadline (the job did not run) is an integrity violation');
update public.bookings set approval_expires_at = now() + interval '1 day' where id = tests.ref('p11');

-- the credits add up -------------------------------------------------------------------------------------------------
select results_eq(
  $$select (b ->> 'total')::int, (b ->> 'completed')::int + (b ->> 'scheduled')::int + (b ->> 'forfeited')::int + (b ->> 'remaining')::int
    from (select tests.balance(tests.ref('sub')) as b) as x$$,
  $$values (20, 20)$$,
  'credits: completed + scheduled + forfeited + remaining = total through it all');
select is(tests.balance(tests.ref('sub')) -> 'forfeited', '1'::jsonb, 'credits: only the late cancellation of a confirmed booking forfeited one');

-- waitlist: a promotion is the waiting client's request --------------------------------------------
do $$
begin
  perform tests.remember('workshop2', tests.seed_group_session(tests.ref('class'), tests.slot(5, '14:00'), 1));
end
$$;
select tests.act_as('acme_provider');
do $$
begin
  perform tests.remember('w2', (select id from public.book_session(tests.ref('workshop2'), 'regular', tests.uid('acme_client2'))));
end
$$;
select is((select status from public.bookings where id = tests.ref('w2')), 'confirmed',
  'waitlist: the provider books a client into the class (confirmed)');
select tests.act_as('acme_client');
select lives_ok($$select public.join_waitlist(tests.ref('workshop2'))$$, 'waitlist: the client waits for the full class');
select tests.act_as('acme_admin');
do $$
begin
  perform public.cancel_booking(tests.ref('w2'), 'Moved away');
end
$$;
select results_eq(
  $$select status, approval_expires_at is not null from public.bookings
    where service_session_id = tests.ref('workshop2') and client_id = tests.uid('acme_client')$$,
  $$values ('pending'::text, true)$$,
  'waitlist: promoted from their own place on the list (whoever freed it), the client''s booking awaits approval');

-- series: the dispatcher books as the system, so no client series around approval -----------------
select tests.act_as('acme_client');
select is(
  tests.error_of($$select public.create_recurring_booking(tests.ref('vetted'), tests.uid('acme_provider'), 'weekly', tests.next_weekday(1) + 21)$$) ->> 'message',
  'FORBIDDEN', 'series: a client cannot set up a series of a service that requires approval');
select tests.act_as('acme_provider');
select lives_ok(
  format($$select public.create_recurring_booking(tests.ref('vetted'), tests.uid('acme_provider'), 'weekly', tests.next_weekday(1) + 21, null, '10:00', %L)$$,
         tests.uid('acme_client')),
  'series: the provider sets it up for the client (their approval)');

-- services: the new columns are owner/admin settings -------------------------------------------------------------------
select tests.act_as('acme_provider');
select is(tests.affected_rows($$update public.services set requires_approval = false where id = tests.ref('vetted')$$), 0,
  'settings: a provider cannot switch approval off (RLS)');
select tests.act_as('acme_admin');
select throws_ok($$update public.services set approval_timeout_hours = 0 where id = tests.ref('vetted')$$, '23514', null,
  'settings: the answer limit is 1..720 hours');
select is(tests.affected_rows($$update public.services set approval_timeout_hours = 48 where id = tests.ref('vetted')$$), 1,
  'settings: an admin sets the answer limit');

select * from finish();
rollback;
