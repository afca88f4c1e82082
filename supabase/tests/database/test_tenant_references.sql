-- Every reference between tenant rows stays inside one organization (issue 11): composite foreign
-- keys (organization_id, x_id) -> (organization_id, id), checked for every writer - even a
-- direct database session cannot attach one organization's rows to another's. The issue's case:
-- a foreign workshop pointing at organization A's service used to make A's own reschedule fail
-- with a raw 23503; now that workshop cannot exist and the reschedule answers with a contract code.
begin;
select plan(15);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_rival uuid := tests.seed_org('rival');
begin
  perform tests.remember('yoga', tests.seed_bookable_service(v_acme, 'Yoga', 60, 10));
  perform tests.remember('rival_service', tests.seed_bookable_service(v_rival, 'Rival', 60, 10));
  perform tests.remember('workshop', tests.seed_group_session(tests.ref('yoga'), tests.slot(1, '18:00'), 10));
  perform tests.remember('acme_package', tests.seed_package(v_acme, 'Ten', 10));
  perform tests.remember('series', tests.seed_series(v_acme, 'acme_client', 'acme_provider', tests.ref('yoga'), 'weekly', tests.next_weekday(2, 14)));
  perform set_config('role', 'authenticated', true);
  perform tests.authenticate_as('acme_client');
  perform tests.remember('booking', (public.book_session(tests.ref('workshop'))).id);
  perform tests.clear_authentication();
end
$$;

-- every foreign key between two tenant tables carries organization_id ------------------------------
select is_empty(
  $$select c.conrelid::regclass::text || ' ' || c.conname
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid and t.relnamespace = 'public'::regnamespace
    join pg_class r on r.oid = c.confrelid and r.relnamespace = 'public'::regnamespace
    where c.contype = 'f'
      and r.relname <> 'organizations'
      and exists (select 1 from pg_attribute a where a.attrelid = c.conrelid and a.attname = 'organization_id' and not a.attisdropped)
      and exists (select 1 from pg_attribute a where a.attrelid = c.confrelid and a.attname = 'organization_id' and not a.attisdropped)
      and not exists (
        select 1 from unnest(c.conkey) as k (attnum)
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
        where a.attname = 'organization_id')$$,
  'every foreign key from one tenant table to another is scoped to the organization');
select is_empty(
  $$select conrelid::regclass::text || ' ' || conname from pg_constraint
    where contype = 'f' and connamespace = 'public'::regnamespace and not convalidated$$,
  'every foreign key is validated');

-- the foreign workshop of the issue ---------------------------------------------------------------
select tests.act_as('rival_admin');
select is(tests.error_of(format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)
    values (%L, %L, %L, %L, %L)$$, tests.org_id('rival'), tests.ref('yoga'), tests.uid('rival_provider'), tests.slot(2, '18:00'), tests.slot(2, '19:00'))) - 'detail',
  '{"sqlstate": "PT404", "message": "NOT_FOUND", "hint": "service_id"}'::jsonb,
  'a workshop of one organization cannot use another''s service (NOT_FOUND through PostgREST)');
select tests.clear_authentication();
select throws_ok(format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)
    values (%L, %L, %L, %L, %L)$$, tests.org_id('rival'), tests.ref('yoga'), tests.uid('rival_provider'), tests.slot(2, '18:00'), tests.slot(2, '19:00')),
  '23503', null, '... nor written by a direct database session (service_sessions_service_fkey)');
select tests.act_as('acme_client');
select is(tests.error_of(format($$select public.reschedule_booking(%L, %L)$$, tests.ref('booking'), tests.slot(2, '18:00'))) ->> 'message',
  'NOT_FOUND', 'so the organization''s own reschedule answers with a contract code, never a raw 23503');

-- the other references, as a direct database session ----------------------------------------------
select tests.clear_authentication();
select throws_ok(format($$update public.bookings set service_id = %L where id = %L$$, tests.ref('rival_service'), tests.ref('booking')),
  '23503', null, 'bookings.service_id: only a service of the booking''s organization');
select throws_ok(format($$update public.bookings set recurring_booking_id = %L, recurring_occurrence_date = current_date where id = %L$$,
    tests.seed_series(tests.org_id('rival'), 'rival_client', 'rival_provider', tests.ref('rival_service'), 'weekly', tests.next_weekday(2, 14)), tests.ref('booking')),
  '23503', null, 'bookings.recurring_booking_id: only a series of the booking''s organization');
select throws_ok(format($$insert into public.subscriptions (organization_id, client_id, package_id, total_sessions) values (%L, %L, %L, 10)$$,
    tests.org_id('rival'), tests.uid('rival_client'), tests.ref('acme_package')),
  'PT400', 'INVALID_REQUEST', 'subscriptions.package_id: only a package of the organization (the trigger says so ...)');
alter table public.subscriptions disable trigger subscriptions_before_write;
select throws_ok(format($$insert into public.subscriptions (organization_id, client_id, package_id, total_sessions) values (%L, %L, %L, 10)$$,
    tests.org_id('rival'), tests.uid('rival_client'), tests.ref('acme_package')),
  '23503', null, '... and the key holds without it (subscriptions_package_fkey)');
alter table public.subscriptions enable trigger subscriptions_before_write;
alter table public.recurring_bookings disable trigger validate_recurring_booking;
select throws_ok(format($$update public.recurring_bookings set organization_id = %L where id = %L$$, tests.org_id('rival'), tests.ref('series')),
  '23503', null, 'recurring_bookings.service_id: only a service of the series'' organization');
alter table public.recurring_bookings enable trigger validate_recurring_booking;
select throws_ok(format($$insert into public.booking_status_history (organization_id, booking_id, to_status) values (%L, %L, 'confirmed')$$,
    tests.org_id('rival'), tests.ref('booking')),
  '23503', null, 'booking_status_history: only for a booking of its organization');
alter table public.session_notes disable trigger session_notes_before_write;
select throws_ok(format($$insert into public.session_notes (organization_id, booking_id, provider_id, notes, locks_at) values (%L, %L, %L, 'x', now())$$,
    tests.org_id('rival'), tests.ref('booking'), tests.uid('acme_provider')),
  '23503', null, 'session_notes: only for a booking of its organization');
alter table public.session_notes enable trigger session_notes_before_write;
alter table public.meeting_recordings disable trigger meeting_recordings_before_write;
select throws_ok(format($$insert into public.meeting_recordings (organization_id, booking_id, storage_path, file_format) values (%L, %L, 'x.mp4', 'mp4')$$,
    tests.org_id('rival'), tests.ref('booking')),
  '23503', null, 'meeting_recordings: only for a booking of its organization');
alter table public.meeting_recordings enable trigger meeting_recordings_before_write;
alter table public.booking_cancellations disable trigger booking_cancellations_before_insert;
select throws_ok(format($$insert into public.booking_cancellations (organization_id, booking_id, reason) values (%L, %L, 'x')$$,
    tests.org_id('rival'), tests.ref('booking')),
  '23503', null, 'booking_cancellations: only for a booking of its organization');
alter table public.booking_cancellations enable trigger booking_cancellations_before_insert;

-- deleting what is referenced still works as before -------------------------------------------------
select lives_ok(format($$delete from public.recurring_bookings where id = %L$$, tests.ref('series')),
  'deleting a series keeps its bookings (set null on the series column only)');

select * from finish();
rollback;
