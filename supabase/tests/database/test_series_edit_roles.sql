-- Series a client can edit (issue 14): who may read and edit a series. Every series RPC and the
-- recurring_booking_exceptions table, as owner, admin, the provider who runs the series, its
-- client, another client and another provider of the organization, a member of another
-- organization, anon, service_role and a signed-out request. The calls are chosen so that an
-- allowed role can repeat them (a skip of a skipped occurrence, a move to where it is already,
-- a change to the time it has, pause then resume).
-- Dates: day n = tests.next_weekday(1) + n, organization in UTC.
begin;
select plan(74);

create temp table role_outcomes (role text, ord integer, call text, outcome text) on commit drop;

do $$
declare
  v_org uuid := tests.seed_org('sroles');
begin
  perform tests.seed_org('sroles-rival');
  perform tests.add_member('sroles', 'sroles_client2', 'client');
  perform tests.add_member('sroles', 'sroles_provider2', 'provider');
  perform tests.remember('session', tests.seed_bookable_service(v_org, 'Session', 60));
  perform tests.seed_weekly_hours(v_org, tests.uid('sroles_provider'));
  perform tests.remember('series', tests.seed_series(v_org, 'sroles_client', 'sroles_provider', tests.ref('session'), 'weekly',
    tests.next_weekday(1), '10:00'));
  perform public.skip_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 7);
end
$$;

do $$
declare
  v_role text;
  v_call record;
  v_error jsonb;
  v_outcomes text[];
  v_visible text;
begin
  foreach v_role in array array['owner', 'admin', 'provider', 'client', 'client2', 'provider2', 'other', 'anon', 'service_role', 'signed_out'] loop
    case v_role
      when 'anon' then perform tests.authenticate_as_anon();
      when 'service_role' then perform tests.authenticate_as_service_role();
      when 'signed_out' then perform tests.act_as_signed_out();
      when 'other' then perform tests.authenticate_as('sroles-rival_owner');
      else perform tests.authenticate_as('sroles_' || v_role);
    end case;
    v_outcomes := '{}';
    for v_call in
      select * from (values
        (1, $q$select public.get_series_schedule(tests.ref('series'), 3)$q$),
        (2, $q$select public.skip_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 7)$q$),
        (3, $q$select public.move_recurring_occurrence(tests.ref('series'), tests.next_weekday(1) + 14, tests.slot(14, '12:00'))$q$),
        (4, $q$select public.change_recurring_booking(tests.ref('series'), tests.next_weekday(1), '10:00')$q$),
        (5, $q$select public.pause_recurring_booking(tests.ref('series'))$q$),
        (6, $q$select public.resume_recurring_booking(tests.ref('series'))$q$)
      ) as c (ord, sql)
      order by c.ord
    loop
      v_error := tests.error_of(v_call.sql);
      v_outcomes := v_outcomes || coalesce(
        case when v_error ->> 'sqlstate' like 'PT%' then v_error ->> 'message' else v_error ->> 'sqlstate' end, 'ok');
    end loop;
    begin
      select case when count(*) > 0 then 'visible' else 'hidden' end into v_visible
      from public.recurring_booking_exceptions
      where recurring_booking_id = tests.ref('series');
    exception when insufficient_privilege then
      v_visible := '42501';
    end;
    perform tests.clear_authentication();
    insert into role_outcomes
    select v_role, o.ord::integer, c.call, o.outcome
    from unnest(v_outcomes || v_visible) with ordinality as o (outcome, ord)
    join (values (1, 'get_series_schedule'), (2, 'skip_recurring_occurrence'), (3, 'move_recurring_occurrence'),
                 (4, 'change_recurring_booking'), (5, 'pause_recurring_booking'), (6, 'resume_recurring_booking'),
                 (7, 'recurring_booking_exceptions (select)')) as c (ord, call)
      on c.ord = o.ord;
  end loop;
end
$$;

-- the series' parties and staff may; everyone else gets the contract's answer
select is(o.outcome, x.expected, o.role || ': ' || o.call || ' -> ' || x.expected)
from role_outcomes as o
join (
  select r.role, c.ord, case
    when r.role in ('owner', 'admin', 'provider', 'client', 'service_role') then case when c.ord = 7 then 'visible' else 'ok' end
    when c.ord = 7 then 'hidden'
    when r.role in ('client2', 'provider2') then 'FORBIDDEN'
    when r.role = 'other' then 'NOT_FOUND'
    when r.role = 'anon' then '42501'
    else 'UNAUTHORIZED'
  end as expected
  from unnest(array['owner', 'admin', 'provider', 'client', 'client2', 'provider2', 'other', 'anon', 'service_role', 'signed_out']) as r (role)
  cross join generate_series(1, 7) as c (ord)
) as x on x.role = o.role and x.ord = o.ord
order by array_position(array['owner', 'admin', 'provider', 'client', 'client2', 'provider2', 'other', 'anon', 'service_role', 'signed_out'], o.role), o.ord;

select is((select count(*)::int from public.audit_log where entity_id = tests.ref('series') and action = 'recurring_booking.paused'), 5,
  'each allowed role paused the series once (and resumed it)');
select results_eq(
  $$select state, starts_at from public.get_series_schedule(tests.ref('series'), 1, tests.next_weekday(1) + 14)$$,
  $$values ('moved'::text, tests.slot(14, '12:00'))$$,
  'the moved occurrence stayed where the first allowed role put it');

-- nobody writes recurring_booking_exceptions directly: the RPCs and the dispatcher do
select tests.act_as('sroles_client');
select throws_ok($$insert into public.recurring_booking_exceptions (organization_id, recurring_booking_id, occurrence_date, kind)
  values (tests.org_id('sroles'), tests.ref('series'), tests.next_weekday(1) + 21, 'skipped')$$,
  '42501', null, 'recurring_booking_exceptions: not insertable by users');
select throws_ok($$delete from public.recurring_booking_exceptions where recurring_booking_id = tests.ref('series')$$,
  '42501', null, 'recurring_booking_exceptions: not deletable by users');
select tests.clear_authentication();

select * from finish();
rollback;
