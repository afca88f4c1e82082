-- Who cancels decides the credit (issue 10 §2): only the client's own late cancellation (and a
-- no-show) forfeits the client's credit; the provider, an owner, an admin or the system
-- cancelling late restores it. booking_cancellations records the canceller's role, set by the
-- database whoever writes the row, and the booking.cancelled event carries it. A direct insert
-- into booking_cancellations behaves exactly like cancel_booking.
begin;
select plan(21);

do $$
declare
  v_org uuid := tests.seed_org('cxl');
  v_service uuid;
  v_soon timestamptz := date_trunc('hour', now()) + interval '2 hours';  -- inside the 24-hour window
begin
  perform tests.seed_org('cxlrival');
  v_service := tests.seed_bookable_service(v_org, 'Session', 30);
  perform tests.remember('sub', tests.seed_subscription(v_org, tests.uid('cxl_client'), 20));
  -- each booking spends a credit of the subscription (the credit trigger)
  perform tests.remember('late_client', tests.seed_booking(v_service, tests.uid('cxl_client'), v_soon));
  perform tests.remember('late_provider', tests.seed_booking(v_service, tests.uid('cxl_client'), v_soon + interval '1 hour'));
  perform tests.remember('late_admin', tests.seed_booking(v_service, tests.uid('cxl_client'), v_soon + interval '2 hours'));
  perform tests.remember('late_owner', tests.seed_booking(v_service, tests.uid('cxl_client'), v_soon + interval '3 hours'));
  perform tests.remember('late_system', tests.seed_booking(v_service, tests.uid('cxl_client'), v_soon + interval '4 hours'));
  perform tests.remember('late_direct_provider', tests.seed_booking(v_service, tests.uid('cxl_client'), v_soon + interval '5 hours'));
  perform tests.remember('late_direct_client', tests.seed_booking(v_service, tests.uid('cxl_client'), v_soon + interval '6 hours'));
  perform tests.remember('early_client', tests.seed_booking(v_service, tests.uid('cxl_client'), tests.slot(0, '10:00')));
  perform tests.remember('no_show', tests.seed_booking(v_service, tests.uid('cxl_client'), date_trunc('hour', now()) - interval '1 hour'));
end
$$;

select is((tests.balance(tests.ref('sub')) ->> 'scheduled')::int, 9, 'setup: nine bookings spent nine credits');

-- late cancellations, by role -------------------------------------------------------------------
select tests.act_as('cxl_client');
select is(public.cancel_booking(tests.ref('late_client'), 'Overslept') ->> 'cancellation_policy_applied', 'credit_forfeited',
  'the client cancelling late forfeits the credit');
select tests.act_as('cxl_provider');
select is(public.cancel_booking(tests.ref('late_provider'), 'I am ill') ->> 'cancellation_policy_applied', 'credit_restored',
  'the provider cancelling late restores the client''s credit');
select tests.act_as('cxl_admin');
select is(public.cancel_booking(tests.ref('late_admin'), 'Room flooded') ->> 'cancellation_policy_applied', 'credit_restored',
  'an admin cancelling late restores it');
select tests.act_as('cxl_owner');
select is(public.cancel_booking(tests.ref('late_owner'), 'Closing early') ->> 'cancellation_policy_applied', 'credit_restored',
  'an owner cancelling late restores it');
select tests.authenticate_as_service_role();
select is(public.cancel_booking(tests.ref('late_system'), 'Provider account closed') ->> 'cancellation_policy_applied', 'credit_restored',
  'the system (service_role) cancelling late restores it');
select tests.act_as('cxl_client');
select is(public.cancel_booking(tests.ref('early_client'), 'Plans changed') ->> 'cancellation_policy_applied', 'credit_restored',
  'the client cancelling early restores it');

-- direct inserts (seed 002 style) behave exactly the same ---------------------------------------
select tests.act_as('cxl_provider');
select lives_ok($$insert into public.booking_cancellations (booking_id, reason) values (tests.ref('late_direct_provider'), 'Double-booked')$$,
  'a provider cancels by inserting the cancellation row');
select tests.act_as('cxl_client');
select lives_ok($$insert into public.booking_cancellations (booking_id, reason, cancelled_by_role, cancellation_policy_applied)
                  values (tests.ref('late_direct_client'), 'Too tired', 'admin', 'credit_restored')$$,
  'a client inserts one, claiming to be an admin');
select tests.clear_authentication();
select results_eq(
  $$select booking_id, cancelled_by, cancelled_by_role, cancellation_policy_applied from public.booking_cancellations
    where booking_id in (tests.ref('late_direct_provider'), tests.ref('late_direct_client')) order by cancelled_by_role$$,
  $$values (tests.ref('late_direct_client'), tests.uid('cxl_client'), 'client'::text, 'credit_forfeited'::text),
           (tests.ref('late_direct_provider'), tests.uid('cxl_provider'), 'provider'::text, 'credit_restored'::text)$$,
  'direct inserts: the database decides the role and the policy, whatever the writer sent');
select results_eq(
  $$select c.booking_id, c.cancelled_by_role from public.booking_cancellations c
    join public.bookings b on b.id = c.booking_id where b.client_id = tests.uid('cxl_client') and b.organization_id = tests.org_id('cxl')
    and c.booking_id in (tests.ref('late_client'), tests.ref('late_provider'), tests.ref('late_admin'), tests.ref('late_owner'), tests.ref('late_system'), tests.ref('early_client'))
    order by b.start_time$$,
  $$values (tests.ref('late_client'), 'client'::text), (tests.ref('late_provider'), 'provider'::text), (tests.ref('late_admin'), 'admin'::text),
           (tests.ref('late_owner'), 'owner'::text), (tests.ref('late_system'), 'system'::text), (tests.ref('early_client'), 'client'::text)$$,
  'booking_cancellations.cancelled_by_role records the role each canceller acted in');
select is((select cancelled_by from public.booking_cancellations where booking_id = tests.ref('late_system')), null,
  'a system cancellation has no cancelled_by user');

-- the event, the audit trail, the balance --------------------------------------------------------
select results_eq(
  $$select payload ->> 'cancelled_by_role', payload ->> 'cancellation_policy_applied' from public.outbox_events
    where topic = 'booking.cancelled' and payload ->> 'booking_id' in (tests.ref('late_client')::text, tests.ref('late_provider')::text)
    order by payload ->> 'cancelled_by_role'$$,
  $$values ('client'::text, 'credit_forfeited'::text), ('provider'::text, 'credit_restored'::text)$$,
  'the booking.cancelled event carries cancelled_by_role');
select is((select new_values ->> 'cancelled_by_role' from public.audit_log where action = 'booking.cancelled' and entity_id = tests.ref('late_admin')),
  'admin', 'the audit entry records it too');
select tests.act_as('cxl_provider');
select is((select status from public.mark_no_show(tests.ref('no_show'))), 'no_show', 'a no-show is recorded');
select tests.clear_authentication();
select is(tests.balance(tests.ref('sub')),
  '{"total": 20, "completed": 0, "scheduled": 0, "forfeited": 3, "remaining": 17}'::jsonb,
  'balance: only the client''s two late cancellations and the no-show cost credits');

-- what stays as it was ---------------------------------------------------------------------------
do $$
begin
  perform tests.remember('trial', tests.seed_booking(tests.service_id(tests.org_id('cxl'), 'Session'), tests.uid('cxl_client'), date_trunc('hour', now()) + interval '10 hours'));
  update public.bookings set booking_kind = 'trial', subscription_id = null where id = tests.ref('trial');
end
$$;
select tests.act_as('cxl_provider');
select is(public.cancel_booking(tests.ref('trial'), 'Not needed') ->> 'cancellation_policy_applied', 'no_refund',
  'a booking that spent no credit is no_refund, whoever cancels');
select tests.act_as('cxlrival_client');
select throws_ok($$select public.cancel_booking(tests.ref('late_direct_client'), 'again')$$, 'PT404', 'NOT_FOUND',
  'a user outside the organization gets NOT_FOUND');
select tests.act_as('cxlrival_owner');
select throws_ok($$insert into public.booking_cancellations (booking_id, reason) values (tests.ref('early_client'), 'x')$$, 'PT404', 'NOT_FOUND',
  'a direct insert from another organization: NOT_FOUND, like cancel_booking');
select tests.clear_authentication();
select col_has_check('public', 'booking_cancellations', 'cancelled_by_role', 'cancelled_by_role has a check constraint');
select ok(obj_description('public.booking_cancellations'::regclass) is not null
  and col_description('public.booking_cancellations'::regclass,
        (select attnum from pg_attribute where attrelid = 'public.booking_cancellations'::regclass and attname = 'cancelled_by_role')) is not null,
  'cancelled_by_role is documented');

select * from finish();
rollback;
