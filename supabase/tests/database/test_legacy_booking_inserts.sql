-- Legacy-shaped booking inserts (start_time/end_time, no service session) by trusted writers get
-- their private individual service session at insert time (migration 20261127140100), exactly
-- as the service_sessions backfill gives one to historical rows.
begin;
select plan(12);

do $$
declare
  v_org uuid := tests.seed_org('legacy-ins');
begin
  perform tests.remember('svc', tests.seed_bookable_service(v_org, 'Massage', 60));
end
$$;

insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, notes)
values (tests.org_id('legacy-ins'), tests.uid('legacy-ins_client'), tests.uid('legacy-ins_provider'), tests.ref('svc'),
        tests.slot(3, '09:00'), tests.slot(3, '10:00'), 'old backend');

select isnt((select service_session_id from public.bookings where notes = 'old backend'), null,
  'a legacy-shaped insert gets a service session');
select results_eq(
  $$select ss.kind, ss.visibility, ss.max_participants, ss.current_participants, ss.status
    from public.bookings b join public.service_sessions ss on ss.id = b.service_session_id
    where b.notes = 'old backend'$$,
  $$values ('individual'::text, 'private'::text, 1, 1, 'scheduled'::text)$$,
  'it is a private individual session holding the booking');
select results_eq(
  $$select ss.starts_at, ss.ends_at, ss.provider_id, ss.service_id
    from public.bookings b join public.service_sessions ss on ss.id = b.service_session_id
    where b.notes = 'old backend'$$,
  $$select tests.slot(3, '09:00'), tests.slot(3, '10:00'), tests.uid('legacy-ins_provider'), tests.ref('svc')$$,
  'with exactly the booking''s times, provider and service');
select is((select start_time from public.bookings where notes = 'old backend'), tests.slot(3, '09:00'),
  'the deprecated start_time stays as written');

select throws_ok(
  format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time)
           values (%L, %L, %L, %L, %L, %L)$$,
         tests.org_id('legacy-ins'), tests.uid('legacy-ins_client'), tests.uid('legacy-ins_provider'), tests.ref('svc'),
         tests.slot(3, '09:30'), tests.slot(3, '10:30')),
  'PT409', 'SLOT_TAKEN', 'an overlapping legacy-shaped insert is SLOT_TAKEN, not a double-booking');

insert into public.bookings (organization_id, client_id, provider_id, start_time, end_time, notes)
values (tests.org_id('legacy-ins'), tests.uid('legacy-ins_client'), tests.uid('legacy-ins_provider'),
        tests.slot(4, '09:00'), tests.slot(4, '09:45'), 'no service');
select results_eq(
  $$select sv.name, sv.is_active, b.service_id = sv.id
    from public.bookings b join public.service_sessions ss on ss.id = b.service_session_id
    join public.services sv on sv.id = ss.service_id
    where b.notes = 'no service'$$,
  $$values ('Legacy booking (no service)'::text, false, true)$$,
  'a booking naming no service gets the organization''s inactive placeholder service');
select is(
  (select id from public.services where organization_id = tests.org_id('legacy-ins') and name = 'Legacy booking (no service)'),
  md5('sessionkit.legacy_service:' || tests.org_id('legacy-ins')::text)::uuid,
  'the same placeholder the service_sessions backfill uses');

insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, status, notes)
values (tests.org_id('legacy-ins'), tests.uid('legacy-ins_client'), tests.uid('legacy-ins_provider'), tests.ref('svc'),
        tests.slot(3, '09:00'), tests.slot(3, '10:00'), 'cancelled', 'cancelled one');
select results_eq(
  $$select ss.status, ss.current_participants from public.bookings b
    join public.service_sessions ss on ss.id = b.service_session_id where b.notes = 'cancelled one'$$,
  $$values ('cancelled'::text, 0)$$,
  'a cancelled legacy-shaped booking gets a cancelled session that blocks nothing');

insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, status, notes)
values (tests.org_id('legacy-ins'), tests.uid('legacy-ins_client'), tests.uid('legacy-ins_provider'), tests.ref('svc'),
        tests.slot(-3, '09:00'), tests.slot(-3, '10:00'), 'completed', 'done one');
select is((select ss.status from public.bookings b join public.service_sessions ss on ss.id = b.service_session_id
           where b.notes = 'done one'), 'completed', 'a completed one gets a completed session');

select is(
  (select b.service_session_id from public.bookings b where b.notes = 'old backend'),
  (select ss.id from public.service_sessions ss
   where ss.provider_id = tests.uid('legacy-ins_provider') and ss.starts_at = tests.slot(3, '09:00') and ss.status = 'scheduled'),
  'the booking references its own session');

select col_not_null('public', 'bookings', 'service_session_id', 'bookings.service_session_id is required (contract)');
select hasnt_column('public', 'packages', 'duration', 'packages.duration is dropped (contract)');

select * from finish();
rollback;
