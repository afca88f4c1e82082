-- Inputs that stall or overflow (issue 11): 'infinity', '-infinity' and absurd times or dates are
-- refused up front with INVALID_REQUEST naming the argument, by every RPC that takes one (they
-- used to loop in generate_series inside provider_availability until the statement timeout,
-- holding the provider's lock); every numeric setting has a sane range, so no later
-- cancel_booking or create_subscription can overflow (22008). The statement timeout below turns
-- a regression into a failure instead of a hang.
begin;
select plan(26);

set local statement_timeout = '5s';

do $$
declare
  v_org uuid := tests.seed_org('bounds');
  v_service uuid;
begin
  v_service := tests.seed_bookable_service(v_org, 'Session', 60);
  perform tests.remember('session', v_service);
  perform tests.remember('plan', tests.seed_treatment_service(v_org, 'Plan', 3, 'flexible'));
  perform tests.remember('package', tests.seed_package(v_org, 'Ten', 10));
  perform tests.seed_weekly_hours(v_org, tests.uid('bounds_provider'));
  perform tests.remember('booking', tests.seed_booking(v_service, tests.uid('bounds_client'), tests.slot(0, '10:00')));
end
$$;

create temp view bound_errors with (security_invoker = true) as
select c.label, e ->> 'sqlstate' as sqlstate, e ->> 'message' as message, e ->> 'hint' as hint
from (values
  ('book infinity', $$select public.book_individual_session(tests.ref('session'), tests.uid('bounds_provider'), 'infinity')$$),
  ('book -infinity', $$select public.book_individual_session(tests.ref('session'), tests.uid('bounds_provider'), '-infinity')$$),
  ('book 1970', $$select public.book_individual_session(tests.ref('session'), tests.uid('bounds_provider'), '1970-01-01 10:00+00')$$),
  ('book +20y', $$select public.book_individual_session(tests.ref('session'), tests.uid('bounds_provider'), now() + interval '20 years')$$),
  ('reschedule infinity', $$select public.reschedule_booking(tests.ref('booking'), 'infinity')$$),
  ('reschedule 294276', $$select public.reschedule_booking(tests.ref('booking'), '294276-01-01 00:00+00')$$),
  ('treatment infinity', $$select public.book_treatment(tests.ref('plan'), tests.uid('bounds_provider'), 'infinity')$$),
  ('treatment -infinity', $$select public.book_treatment(tests.ref('plan'), tests.uid('bounds_provider'), '-infinity')$$),
  ('next session infinity', $$select public.book_next_treatment_session(gen_random_uuid(), 'infinity')$$),
  ('preview infinity', $$select * from public.preview_treatment_schedule(tests.ref('plan'), 'infinity')$$),
  ('slots from infinity', $$select * from public.get_available_slots(tests.uid('bounds_provider'), tests.ref('session'), 'infinity', 'infinity')$$),
  ('slots to infinity', $$select * from public.get_available_slots(tests.uid('bounds_provider'), tests.ref('session'), current_date, 'infinity')$$),
  ('slots 1900', $$select * from public.get_available_slots(tests.uid('bounds_provider'), tests.ref('session'), '1900-01-01', '1900-01-05')$$),
  ('series start infinity', $$select public.create_recurring_booking(tests.ref('session'), tests.uid('bounds_provider'), 'weekly', 'infinity')$$),
  ('series end infinity', $$select public.create_recurring_booking(tests.ref('session'), tests.uid('bounds_provider'), 'weekly', current_date + 3, 'infinity')$$),
  ('series insert infinity', $$insert into public.recurring_bookings (user_id, specialist_id, service_id, frequency, start_date) values (tests.uid('bounds_client'), tests.uid('bounds_provider'), tests.ref('session'), 'weekly', 'infinity')$$)
) as c (label, sql)
cross join lateral tests.error_of(c.sql) as e;
grant select on bound_errors to authenticated;

-- a client's requests ----------------------------------------------------------------------------
select tests.act_as('bounds_client');
select results_eq(
  $$select label, sqlstate, message, hint from bound_errors order by label collate "C"$$,
  $$values
    ('book +20y', 'PT400', 'INVALID_REQUEST', 'p_starts_at'),
    ('book -infinity', 'PT400', 'INVALID_REQUEST', 'p_starts_at'),
    ('book 1970', 'PT400', 'INVALID_REQUEST', 'p_starts_at'),
    ('book infinity', 'PT400', 'INVALID_REQUEST', 'p_starts_at'),
    ('next session infinity', 'PT400', 'INVALID_REQUEST', 'p_starts_at'),
    ('preview infinity', 'PT400', 'INVALID_REQUEST', 'p_starts_at'),
    ('reschedule 294276', 'PT400', 'INVALID_REQUEST', 'p_new_starts_at'),
    ('reschedule infinity', 'PT400', 'INVALID_REQUEST', 'p_new_starts_at'),
    ('series end infinity', 'PT400', 'INVALID_REQUEST', 'p_end_date'),
    ('series insert infinity', 'PT400', 'INVALID_REQUEST', 'start_date'),
    ('series start infinity', 'PT400', 'INVALID_REQUEST', 'p_start_date'),
    ('slots 1900', 'PT400', 'INVALID_REQUEST', 'p_from'),
    ('slots from infinity', 'PT400', 'INVALID_REQUEST', 'p_from'),
    ('slots to infinity', 'PT400', 'INVALID_REQUEST', 'p_to'),
    ('treatment -infinity', 'PT400', 'INVALID_REQUEST', 'p_starts_at'),
    ('treatment infinity', 'PT400', 'INVALID_REQUEST', 'p_starts_at')$$,
  'every time or date a client sends is checked: infinite or absurd is INVALID_REQUEST naming the argument');
select throws_ok($$select public.book_individual_session(tests.ref('session'), tests.uid('bounds_provider'), tests.local_ts((current_date + interval '9 years')::date, '20:00'))$$,
  'PT422', 'OUTSIDE_AVAILABILITY', 'a far but sane time reaches the booking rules (here: outside working hours)');

-- staff and the scheduler ----------------------------------------------------------------------
select tests.act_as('bounds_provider');
select throws_ok($$select public.create_service_session(tests.ref('session'), tests.uid('bounds_provider'), 'infinity')$$,
  'PT400', 'INVALID_REQUEST', 'create_service_session: infinity');
select is((tests.error_of($$select public.create_service_session(tests.ref('session'), tests.uid('bounds_provider'), '-infinity')$$)) ->> 'hint',
  'p_starts_at', 'create_service_session: -infinity names p_starts_at');
select tests.act_as('bounds_admin');
select throws_ok($$select public.create_subscription(tests.uid('bounds_client'), tests.ref('package'), 'infinity')$$,
  'PT400', 'INVALID_REQUEST', 'create_subscription: infinity');
select is((tests.error_of($$select public.create_subscription(tests.uid('bounds_client'), tests.ref('package'), '1999-12-31 23:00+00')$$)) ->> 'hint',
  'p_starts_at', 'create_subscription: before 2000 names p_starts_at');
select tests.authenticate_as_service_role();
select is((tests.error_of($$select public.dispatch_recurring_bookings('-infinity')$$)) ->> 'hint', 'p_run_date',
  'dispatch_recurring_bookings: -infinity names p_run_date');
select is((tests.error_of($$select public.dispatch_recurring_bookings('1990-06-01')$$)) ->> 'hint', 'p_run_date',
  'dispatch_recurring_bookings: a run date before 2000 names p_run_date');
select tests.clear_authentication();

-- settings at the integer maximum are refused ------------------------------------------------------
select throws_ok($$update public.organization_settings set cancellation_notice_hours = 2147483647 where organization_id = tests.org_id('bounds')$$,
  '23514', null, 'cancellation_notice_hours: at most a year (8760)');
select throws_ok($$update public.organization_settings set note_lock_hours = 2147483647 where organization_id = tests.org_id('bounds')$$,
  '23514', null, 'note_lock_hours: at most a year (8760)');
select throws_ok($$update public.organization_settings set recording_retention_days = 2147483647 where organization_id = tests.org_id('bounds')$$,
  '23514', null, 'recording_retention_days: at most 30 years (10950)');
select throws_ok($$update public.packages set valid_for_days = 2147483647 where id = tests.ref('package')$$,
  '23514', null, 'valid_for_days: at most ten years (3650)');
select throws_ok($$update public.packages set session_count = 2147483647 where id = tests.ref('package')$$,
  '23514', null, 'session_count: at most 1000');
select throws_ok($$update public.services set capacity = 2147483647 where id = tests.ref('session')$$,
  '23514', null, 'capacity: at most 10000');
select throws_ok($$update public.services set max_bookings_per_day = 2147483647 where id = tests.ref('session')$$,
  '23514', null, 'max_bookings_per_day: at most 1440');
select throws_ok($$update public.services set max_advance_days = 2147483647 where id = tests.ref('session')$$,
  '23514', null, 'max_advance_days: at most 3650 (unchanged)');
select throws_ok($$update public.services set min_notice_minutes = 2147483647 where id = tests.ref('session')$$,
  '23514', null, 'min_notice_minutes: at most a year (unchanged)');
select throws_ok($$update public.services set buffer_before_minutes = 2147483647 where id = tests.ref('session')$$,
  '23514', null, 'buffer_before_minutes: at most a day (unchanged)');
select throws_ok($$update public.services set price = 1e12 where id = tests.ref('session')$$,
  '22003', null, 'price: numeric(10, 2) bounds it');
select throws_ok($$update public.service_sessions set max_participants = 2147483647 where id = (select service_session_id from public.bookings where id = tests.ref('booking'))$$,
  '23514', null, 'service_sessions.max_participants: at most 10000');
select throws_ok($$insert into public.subscriptions (organization_id, client_id, package_id, status, total_sessions, starts_at)
                  values (tests.org_id('bounds'), tests.uid('bounds_client'), tests.ref('package'), 'paused', 2147483647, now())$$,
  '23514', null, 'subscriptions.total_sessions: at most 1000');
select throws_ok($$update public.organization_settings set cancellation_notice_hours = -1 where organization_id = tests.org_id('bounds')$$,
  '23514', null, 'cancellation_notice_hours: not negative (unchanged)');

-- at the largest allowed values, nothing overflows -------------------------------------------------
update public.organization_settings
set cancellation_notice_hours = 8760, note_lock_hours = 8760, recording_retention_days = 10950
where organization_id = tests.org_id('bounds');
update public.packages set valid_for_days = 3650, session_count = 1000 where id = tests.ref('package');
select tests.act_as('bounds_admin');
select is((select total_sessions from public.create_subscription(tests.uid('bounds_client'), tests.ref('package'), now() + interval '9 years')), 1000,
  'create_subscription: ten years of validity starting nine years ahead');
select tests.act_as('bounds_client');
select is(public.cancel_booking(tests.ref('booking'), 'Changed plans') ->> 'success', 'true',
  'cancel_booking: with a year of notice');

-- the helper ---------------------------------------------------------------------------------------
select tests.clear_authentication();
select lives_ok($$select private.require_sane_timestamp(now(), 'x'), private.require_sane_timestamp(null, 'x')$$,
  'require_sane_timestamp: now and null pass');
select is((tests.error_of($$select private.require_sane_timestamp(now() + interval '10 years 1 day', 'p_when')$$)) ->> 'hint', 'p_when',
  'require_sane_timestamp: more than ten years ahead is refused, naming the field');

select * from finish();
rollback;
