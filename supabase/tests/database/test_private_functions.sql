-- private functions (issue 11): a signed-in user reaches no security definer function by direct
-- SQL except the few that RLS policies and security_invoker views must call as the caller, and
-- those answer only about the caller. The pinned list below is the allow-list of `sessionkit lint`
-- (tools/sessionkit/lint/definer_allowlist.toml): a new executable definer function fails both.
begin;
select plan(22);

-- the allow-list, pinned --------------------------------------------------------------------------
select is(
  (select array_agg(format('%s.%s(%s)', n.nspname, p.proname, oidvectortypes(p.proargtypes)) order by p.proname)
   from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in ('private', 'ops') and p.prosecdef
     and has_function_privilege('authenticated', p.oid, 'execute')),
  array['private.booking_party_role(uuid)',
        'private.can_view_subscription(uuid, uuid)',
        'private.has_booking_in_session(uuid)',
        'private.has_role(uuid, text[])',
        'private.is_member(uuid)',
        'private.subscription_usage(uuid)',
        'private.visible_exception_times()'],
  'authenticated executes exactly the allow-listed security definer functions of private and ops');
select is(
  (select array_agg(format('%s.%s(%s)', n.nspname, p.proname, oidvectortypes(p.proargtypes)) order by p.proname)
   from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in ('public', 'private', 'ops') and p.prosecdef
     and has_function_privilege('anon', p.oid, 'execute')),
  array['public.book_public_slot(uuid, uuid, timestamp with time zone)',
        'public.get_public_available_slots(uuid, uuid, date, date)',
        'public.get_public_booking_page(text)',
        'public.list_public_services(text)'],
  'anon executes exactly the allow-listed security definer functions: the public booking page');
select is_empty(
  $$select p.oid::regprocedure::text
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public'
      and p.prorettype in ('trigger'::regtype, 'event_trigger'::regtype)
      and (has_function_privilege('anon', p.oid, 'execute')
           or has_function_privilege('authenticated', p.oid, 'execute'))$$,
  'no trigger function in public can be called through /rest/v1/rpc');

-- arrange: two organizations with a booking and a subscription each ---------------------------
do $$
begin
  perform tests.seed_credit_org('acme');
  perform tests.seed_credit_org('rival');
end
$$;

-- the attacks of the issue, by direct SQL as a signed-in member of another organization --------
select tests.act_as('acme_owner');
select throws_ok(
  format($$select private.emit_event(%L, 'booking.cancelled', '{}')$$, tests.org_id('rival')),
  '42501', null, 'emit_event: nobody writes another organization''s outbox by direct SQL');
select throws_ok(
  format($$select private.write_audit(%L, 'booking.cancelled')$$, tests.org_id('rival')),
  '42501', null, 'write_audit: nobody writes another organization''s audit log by direct SQL');
select throws_ok(
  format($$select private.member_role(%L, %L)$$, tests.org_id('rival'), tests.uid('rival_client')),
  '42501', null, 'member_role: nobody reads another organization''s members by direct SQL');
select throws_ok(
  format($$select * from private.booking_rule_failures(array[private.new_candidate('search', %L, null, %L, null, now(), now() + interval '1 hour')], false)$$,
         tests.org_id('rival'), tests.uid('rival_provider')),
  '42501', null, 'booking_rule_failures: nobody asks about another provider''s calendar by direct SQL');
select throws_ok(
  format($$select * from private.provider_availability(%L, %L, current_date, current_date + 7)$$,
         tests.uid('rival_provider'), tests.org_id('rival')),
  '42501', null, 'provider_availability: only through get_available_slots');
select throws_ok(
  format($$select private.sync_default_session_type(%L)$$, tests.org_id('rival')),
  '42501', null, 'sync_default_session_type: no write to another organization''s settings by direct SQL');
select throws_ok(
  format($$select private.require_org_role(%L)$$, tests.org_id('rival')),
  '42501', null, 'require_org_role: an RPC building block, not callable on its own');

-- the allow-listed helpers answer only about the caller, whatever arguments they get ------------
select is_empty(
  format($$select * from private.subscription_usage(%L)$$,
         tests.active_subscription(tests.org_id('rival'), tests.uid('rival_client'))),
  'subscription_usage: nothing about another organization''s subscription');
select is(
  (select scheduled from private.subscription_usage(tests.active_subscription(tests.org_id('acme'), tests.uid('acme_client')))),
  1, 'subscription_usage: the credits of a subscription the caller may see (its RLS rule)');
select ok(
  not private.can_view_subscription(tests.org_id('rival'), tests.uid('rival_client')),
  'can_view_subscription: false for another organization''s client');
select is(
  private.booking_party_role(
    (select b.id from public.bookings b where b.organization_id = tests.org_id('rival') limit 1)),
  null, 'booking_party_role: null for a booking the caller is no party of');
select ok(
  not private.has_booking_in_session(tests.session_id(tests.org_id('rival'), 'a')),
  'has_booking_in_session: only about the caller''s own bookings');
select ok(not private.is_member(tests.org_id('rival')), 'is_member: only about the caller');
select ok(not private.has_role(tests.org_id('rival'), array['client']), 'has_role: only about the caller');

select tests.act_as('rival_client');
select is(
  (select completed + scheduled + forfeited
   from private.subscription_usage(tests.active_subscription(tests.org_id('rival'), tests.uid('rival_client')))),
  1, 'subscription_usage: a client sees the credits they spent');
select is(
  (select count(*)::int from public.subscription_balances),
  1, 'subscription_balances (security_invoker view over subscription_usage) still shows the caller''s subscription');

-- what the RPCs need, they still do (as their owner) ---------------------------------------------
select tests.act_as('acme_client');
select is(
  (public.cancel_booking(
     (select b.id from public.bookings b where b.organization_id = tests.org_id('acme') limit 1), 'Plans changed')
   ->> 'success')::boolean,
  true, 'cancel_booking still writes the audit log and the outbox through the revoked helpers');

select tests.authenticate_as_service_role();
select is(
  (select count(*)::int from private.subscription_usage(tests.active_subscription(tests.org_id('rival'), tests.uid('rival_client')))),
  1, 'subscription_usage: a service call sees any subscription');
select lives_ok(
  format($$select private.emit_event(%L, 'test.service_event', '{}')$$, tests.org_id('rival')),
  'service_role (the backend) may still emit events directly');

select * from finish();
rollback;
