-- The overlap guarantee of service_sessions (migration 20261127160100): a provider's live
-- sessions never overlap, whoever writes them and however many rows a statement writes; the
-- violation is 23P01 naming service_sessions_provider_no_overlap, as the exclusion constraint's
-- was. Concurrent writers: tests/test_concurrency_overlap.py.
begin;
select plan(15);

do $$
begin
  perform tests.seed_org('ovl');
  perform tests.remember('svc', tests.seed_bookable_service(tests.org_id('ovl'), 'Session', 30));
end
$$;

create function pg_temp.put(p_start text, p_end text, p_status text default 'scheduled')
returns uuid
language sql
as $$
  insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at, status)
  values (tests.org_id('ovl'), tests.ref('svc'), tests.uid('ovl_provider'),
          tests.slot(1, p_start::time), tests.slot(1, p_end::time), p_status)
  returning id
$$;

select lives_ok($$select tests.remember('nine', pg_temp.put('09:00', '09:30'))$$, 'a first session');
select throws_ok($$select pg_temp.put('09:00', '09:30')$$, '23P01',
  'conflicting key value violates exclusion constraint "service_sessions_provider_no_overlap"',
  'the same time again is refused with the exclusion constraint''s code and name');
select throws_ok($$select pg_temp.put('08:45', '09:15')$$, '23P01', null, 'a session ending inside another is refused');
select throws_ok($$select pg_temp.put('09:15', '09:45')$$, '23P01', null, 'a session starting inside another is refused');
select throws_ok($$select pg_temp.put('08:00', '11:00')$$, '23P01', null, 'a session around another is refused');
select lives_ok($$select pg_temp.put('09:30', '10:00'); select pg_temp.put('08:30', '09:00')$$,
  'sessions touching end to start do not overlap');
select lives_ok($$select pg_temp.put('09:10', '09:20', 'cancelled')$$, 'cancelled sessions do not count');

select throws_ok(
  $$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)
    select tests.org_id('ovl'), tests.ref('svc'), tests.uid('ovl_provider'), s, s + interval '30 minutes'
    from (values (tests.slot(2, '10:00')), (tests.slot(2, '10:20'))) as v (s)$$,
  '23P01', null, 'one statement writing two overlapping sessions is refused');
select lives_ok(
  $$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)
    select tests.org_id('ovl'), tests.ref('svc'), tests.uid('ovl_provider'), s, s + interval '30 minutes'
    from generate_series(tests.slot(3, '08:00'), tests.slot(3, '11:30'), interval '30 minutes') as g (s)$$,
  'one statement writing a day of back-to-back sessions is accepted');

select throws_ok(
  $$update public.service_sessions set starts_at = starts_at + interval '20 minutes', ends_at = ends_at + interval '20 minutes'
    where id = tests.ref('nine')$$,
  '23P01', null, 'moving a session onto the next one is refused');
select throws_ok(
  $$update public.service_sessions set status = 'scheduled' where provider_id = tests.uid('ovl_provider') and status = 'cancelled'$$,
  '23P01', null, 'reviving a cancelled session that overlaps a live one is refused');
select lives_ok(
  $$update public.service_sessions set status = 'cancelled' where id = tests.ref('nine');
    update public.service_sessions set status = 'scheduled' where provider_id = tests.uid('ovl_provider') and starts_at = tests.slot(1, '09:10')$$,
  'once the 09:00 session is cancelled, the 09:10 one can be revived');

-- only a superuser may bypass triggers (not postgres on Supabase: then there is nothing to test)
select case when (select r.rolsuper from pg_roles r where r.rolname = current_user)
  then throws_ok($$set local session_replication_role = replica; select pg_temp.put('09:40', '09:50')$$, '23P01', null,
         'a writer bypassing triggers (session_replication_role = replica) is still refused')
  else skip('session_replication_role needs a superuser', 1)
end;

select throws_ok(
  $$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at)
    values (tests.org_id('ovl'), tests.ref('svc'), tests.uid('ovl_provider'), tests.slot(5, '09:00'), tests.slot(5, '09:00') + interval '25 hours')$$,
  '23514', null, 'a session lasts at most a day');
select is((select count(*) from private.provider_calendars where provider_id = tests.uid('ovl_provider')), 1::bigint,
  'the provider''s calendar row serialises its writers');

select * from finish();
rollback;
