-- A subscription's validity (issue 10): valid_for_days are calendar days of the organization's
-- time zone, so a package sold at 10:00 in Berlin expires at 10:00 Berlin time, also across a
-- DST change, and the same sale gives the same expiry whatever the caller's session TimeZone
-- (timestamptz + interval 'n days' counted days in the session's time zone: an hour apart
-- between a UTC session and a Berlin or New York one).
begin;
select plan(7);

do $$
declare
  v_org uuid := tests.seed_org('expiry', 'Europe/Berlin');
  v_change date := tests.next_dst_change('Europe/Berlin', 10);
begin
  perform tests.add_member('expiry', 'expiry_client2', 'client');
  perform tests.add_member('expiry', 'expiry_client3', 'client');
  perform tests.remember('month', tests.seed_package(v_org, '30 days', 10));
  update public.packages set valid_for_days = 30 where id = tests.ref('month');
  -- sold at 10:00 Berlin time, a week before the clocks change: the 30 days span the change
  perform set_config('tests.sold_at', tests.local_ts(v_change - 7, '10:00', 'Europe/Berlin')::text, true);
  perform set_config('tests.expires_at', tests.local_ts(v_change + 23, '10:00', 'Europe/Berlin')::text, true);
end
$$;

-- the helper ----------------------------------------------------------------------------------
select is(
  private.add_local_days(current_setting('tests.sold_at')::timestamptz, 30, 'Europe/Berlin'),
  current_setting('tests.expires_at')::timestamptz,
  'add_local_days: 30 calendar days later, at the same wall-clock time across the DST change');
select isnt(
  current_setting('tests.expires_at')::timestamptz - current_setting('tests.sold_at')::timestamptz,
  interval '720 hours',
  'add_local_days: ... which is not 30 times 24 hours (the change adds or takes an hour)');

-- create_subscription, whatever the caller's session TimeZone -----------------------------------
select tests.act_as('expiry_admin');
set local timezone = 'America/New_York';
select is(
  (public.create_subscription(tests.uid('expiry_client'), tests.ref('month'), current_setting('tests.sold_at')::timestamptz)).expires_at,
  current_setting('tests.expires_at')::timestamptz,
  'create_subscription: expires 30 Berlin calendar days later at 10:00, called from a New York session');
set local timezone = 'UTC';
select is(
  (public.create_subscription(tests.uid('expiry_client2'), tests.ref('month'), current_setting('tests.sold_at')::timestamptz)).expires_at,
  current_setting('tests.expires_at')::timestamptz,
  'create_subscription: the same expiry from a UTC session');

-- a direct insert (owners/admins, backfills) gets the same default ------------------------------
set local timezone = 'Asia/Tokyo';
select lives_ok(
  format($$insert into public.subscriptions (organization_id, client_id, package_id, total_sessions, starts_at) values (%L, %L, %L, 10, %L)$$,
    tests.org_id('expiry'), tests.uid('expiry_client3'), tests.ref('month'), current_setting('tests.sold_at')),
  'subscriptions: an admin inserts one directly, from a Tokyo session');
set local timezone = 'UTC';
select is(
  (select expires_at from public.subscriptions where client_id = tests.uid('expiry_client3')),
  current_setting('tests.expires_at')::timestamptz,
  'subscriptions: a direct insert''s expires_at defaults to the same 30 Berlin calendar days');
select is(
  (select to_char(expires_at at time zone 'Europe/Berlin', 'HH24:MI') from public.subscriptions where client_id = tests.uid('expiry_client3')),
  '10:00',
  'subscriptions: ... at the local time of the sale');

select * from finish();
rollback;
