-- The rule home (issue 13): every booking rule is registered once (private.booking_rules), has
-- one set-based function, and private.booking_rule_failures answers many candidates at once
-- with the first rule each one breaks - the same answer a one-candidate call gives.
begin;
select plan(15);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
begin
  perform tests.remember('physio', tests.seed_bookable_service(v_acme, 'Physio', 60));
  perform tests.remember('limited', tests.seed_bookable_service(v_acme, 'Limited', 60));
  update public.services set max_bookings_per_day = 1 where id = tests.ref('limited');
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'), '09:00', '12:00');
  perform tests.seed_booking(tests.ref('physio'), tests.uid('acme_client'), tests.slot(1, '10:00'));
end
$$;

create temporary table cands on commit drop as
select private.new_candidate(
         purpose => 'book', organization_id => tests.org_id('acme'), service_id => tests.ref(x.service),
         provider_id => tests.uid('acme_provider'), client_id => tests.uid('acme_client'),
         starts_at => x.starts_at, ends_at => x.starts_at + interval '1 hour',
         session_type_id => (select sv.session_type_id from public.services sv where sv.id = tests.ref(x.service)),
         n => x.n) as c
from (values
  (1, 'physio', tests.slot(2, '09:00')),             -- free
  (2, 'physio', tests.slot(1, '10:30')),             -- overlaps the booking at 10:00
  (3, 'physio', tests.slot(2, '13:00')),             -- after working hours
  (4, 'physio', now() - interval '1 day'),           -- in the past (and outside the hours)
  (5, 'physio', tests.slot(2, '09:30')),             -- overlaps candidate 1 (only together)
  (6, 'limited', tests.slot(3, '09:00')),            -- the day's one booking of Limited
  (7, 'limited', tests.slot(3, '11:00'))             -- the second one (only together)
) as x (n, service, starts_at);

-- the registry ---------------------------------------------------------------------------------
select is_empty(
  $$select r.name from private.booking_rules() as r
    where to_regprocedure(format('private.rule_%s(private.booking_candidate[], boolean)', r.name)) is null$$,
  'registry: every registered rule has its set-based function private.rule_<name>(candidates, together)');
select is_empty(
  $$select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'private' and p.proname like 'rule\_%' and p.proname not in ('rule_purposes', 'rule_hint')
      and substr(p.proname, 6) not in (select r.name from private.booking_rules() as r)$$,
  'registry: every rule function is registered');
select is_empty(
  $$select r.name from private.booking_rules() as r
    where position(format('private.rule_%s(', r.name) in
                   (select p.prosrc from pg_proc p where p.oid = 'private.booking_rule_verdicts(private.booking_candidate[], boolean)'::regprocedure)) = 0$$,
  'registry: private.booking_rule_verdicts (behind private.booking_rule_failures) asks every registered rule');
select is((select count(distinct r.rank)::int from private.booking_rules() as r), (select count(*)::int from private.booking_rules()),
  'registry: every rule has its own rank (the order failures are reported in)');

-- one call, many candidates ---------------------------------------------------------------------
select results_eq(
  $$select f.n, f.rule, f.code from private.booking_rule_failures((select array_agg(c order by (c).n) from cands), false) as f order by f.n$$,
  $$values (2, 'free_time', 'SLOT_TAKEN'), (3, 'availability', 'OUTSIDE_AVAILABILITY'), (4, 'not_in_past', 'BOOKING_IN_PAST')$$,
  'alternatives: each candidate gets the first rule it breaks (the past before working hours), the others pass');
select results_eq(
  $$select f.n, f.rule, f.code from private.booking_rule_failures((select array_agg(c order by (c).n) from cands), true) as f order by f.n$$,
  $$values (2, 'free_time', 'SLOT_TAKEN'), (3, 'availability', 'OUTSIDE_AVAILABILITY'), (4, 'not_in_past', 'BOOKING_IN_PAST'),
           (5, 'free_time', 'SLOT_TAKEN'), (7, 'daily_limit', 'DAILY_LIMIT_REACHED')$$,
  'together: a candidate also counts the earlier ones of the same provider (overlap, daily limit)');
select is(
  (select array_agg(f.code order by (c.c).n)
   from cands as c
   cross join lateral private.booking_rule_failures(array[c.c], false) as f),
  array['SLOT_TAKEN', 'OUTSIDE_AVAILABILITY', 'BOOKING_IN_PAST'],
  'one candidate at a time answers exactly like the set (alternatives)');

-- a probe without a time asks only the rules that need none -----------------------------------
select is_empty(
  format($$select * from private.booking_rule_failures(array[private.new_candidate(purpose => 'search', organization_id => %L, service_id => %L, provider_id => %L, session_type_id => %L)], false)$$,
         tests.org_id('acme'), tests.ref('physio'), tests.uid('acme_provider'),
         (select sv.session_type_id from public.services sv where sv.id = tests.ref('physio'))),
  'probe: no time, no time rules');
select results_eq(
  format($$select code, rule from private.booking_rule_failures(array[private.new_candidate(purpose => 'search', organization_id => %L, service_id => %L, provider_id => %L)], false)$$,
         tests.org_id('acme'), tests.ref('physio'), tests.uid('acme_client')),
  $$values ('NOT_FOUND', 'provider_member')$$,
  'probe: a client is not a provider');

-- purposes --------------------------------------------------------------------------------------
select is_empty(
  format($$select * from private.booking_rule_failures(array[private.new_candidate(purpose => 'schedule', organization_id => %L, service_id => %L, provider_id => %L, starts_at => %L, ends_at => %L, session_type_id => %L)], false)$$,
         tests.org_id('acme'), tests.ref('physio'), tests.uid('acme_provider'), tests.slot(2, '13:00'), tests.slot(2, '14:00'),
         (select sv.session_type_id from public.services sv where sv.id = tests.ref('physio'))),
  'schedule: staff may schedule a class outside the 1-to-1 working hours');
select results_eq(
  format($$select code from private.booking_rule_failures(array[private.new_candidate(purpose => 'move', organization_id => %L, service_id => %L, provider_id => %L, starts_at => %L, ends_at => %L)], false)$$,
         tests.org_id('acme'), tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '10:30'), tests.slot(1, '11:30')),
  $$values ('SLOT_TAKEN')$$,
  'move: moving the booked session half an hour collides with it when it is not excluded ...');
select is_empty(
  format($$select * from private.booking_rule_failures(array[private.new_candidate(purpose => 'move', organization_id => %L, service_id => %L, provider_id => %L, starts_at => %L, ends_at => %L, exclude_session_id => %L)], false)$$,
         tests.org_id('acme'), tests.ref('physio'), tests.uid('acme_provider'), tests.slot(1, '10:30'), tests.slot(1, '11:30'),
         (select b.service_session_id from public.bookings b where b.service_id = tests.ref('physio') and b.start_time = tests.slot(1, '10:00'))),
  '... and passes when it is (the session moved does not collide with itself)');

-- raising: the contract code with the caller's hint --------------------------------------------
select throws_ok(
  format($$select private.assert_bookable((select c from cands where (c).n = 2))$$),
  'PT409', 'SLOT_TAKEN', 'assert_bookable raises the first failure with its contract code');
select is(
  (tests.error_of($$select private.assert_bookable((select c from cands where (c).n = 2))$$) ->> 'hint'),
  'p_starts_at', 'assert_bookable: the hint names the argument (p_ + the candidate field) by default');
select is(
  (tests.error_of($$select private.assert_bookable((select c from cands where (c).n = 2), '', '{"starts_at": "start_time"}')$$) ->> 'hint'),
  'start_time', 'assert_bookable: ... or the column a direct write names');

select * from finish();
rollback;
