-- Outbox consumer protocol (issue 15): claim_outbox_events / ack_outbox_events /
-- fail_outbox_event / release_outbox_events / requeue_outbox_events / configure_outbox_consumer.
-- Who may call them (service_role only: every user role is refused), the contract's error codes,
-- and the delivery rules inside one transaction: every consumer sees every event once, a claimed
-- event is not handed out twice, failures back off exponentially up to the cap and then
-- dead-letter (counted by integrity_report), topic patterns, the prune job. Concurrency and
-- crashes are proved with real workers in tests/test_outbox_delivery.py.
begin;
select plan(50);

do $$
begin
  perform tests.seed_org('acme');
  perform tests.seed_org('rival');
end
$$;

-- who may call them ------------------------------------------------------------------------------
select tests.act_as('acme_owner');
select throws_ok($$select * from public.claim_outbox_events('webhooks', 10)$$, '42501', null, 'claim: an owner may not call it');
select tests.act_as('acme_admin');
select throws_ok($$select public.ack_outbox_events('webhooks', array[1::bigint])$$, '42501', null, 'ack: an admin may not call it');
select tests.act_as('acme_provider');
select throws_ok($$select public.fail_outbox_event('webhooks', 1, 'boom')$$, '42501', null, 'fail: a provider may not call it');
select tests.act_as('acme_client');
select throws_ok($$select public.release_outbox_events('webhooks', array[1::bigint])$$, '42501', null, 'release: a client may not call it');
select tests.act_as('rival_owner');
select throws_ok($$select public.requeue_outbox_events('webhooks', array[1::bigint])$$, '42501', null, 'requeue: another organization''s owner may not call it');
select tests.authenticate_as_anon();
select throws_ok($$select public.configure_outbox_consumer('webhooks')$$, '42501', null, 'configure: anon may not call it');
select tests.clear_authentication();
select is(
  array(select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public'
          and p.proname in ('claim_outbox_events', 'ack_outbox_events', 'fail_outbox_event', 'release_outbox_events',
                            'requeue_outbox_events', 'configure_outbox_consumer')
          and (has_function_privilege('authenticated', p.oid, 'execute') or has_function_privilege('anon', p.oid, 'execute')
               or not has_function_privilege('service_role', p.oid, 'execute'))),
  '{}'::text[], 'every consumer RPC is executable by service_role and by no user role');
-- if execute were ever granted to users, the RPCs would still refuse them with the contract's codes
grant execute on function public.claim_outbox_events(text, integer, text[]) to authenticated;
select tests.act_as_signed_out();
select is(tests.error_of($$select * from public.claim_outbox_events('webhooks', 10)$$) ->> 'message', 'UNAUTHORIZED',
  'inside: a request without a user is UNAUTHORIZED');
select tests.act_as('acme_owner');
select is(tests.error_of($$select * from public.claim_outbox_events('webhooks', 10)$$) - 'hint',
  '{"sqlstate": "PT403", "message": "FORBIDDEN", "detail": "Only service_role claims outbox events."}'::jsonb, 'inside: a signed-in user is FORBIDDEN');
select tests.clear_authentication();
revoke execute on function public.claim_outbox_events(text, integer, text[]) from authenticated;

-- bad input ----------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(tests.error_of($$select * from public.claim_outbox_events('Bad Name', 10)$$) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "p_consumer"}'::jsonb, 'claim: a consumer name is lower case (INVALID_REQUEST, hint p_consumer)');
select is(tests.error_of($$select * from public.claim_outbox_events(null, 10)$$) ->> 'hint', 'p_consumer', 'claim: a consumer name is required');
select is(tests.error_of($$select * from public.claim_outbox_events('webhooks', 0)$$) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "p_limit"}'::jsonb, 'claim: p_limit is 1..1000');
select is(tests.error_of($$select * from public.claim_outbox_events('webhooks', 5000)$$) ->> 'hint', 'p_limit', 'claim: at most 1000 at a time');
select is(tests.error_of($$select * from public.claim_outbox_events('t-topics', 10, array['Booking.Created'])$$) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "p_topics"}'::jsonb, 'claim: a topic pattern is lower-case dotted (INVALID_REQUEST, hint p_topics)');
select is(tests.error_of($$select public.ack_outbox_events('nobody-yet', array[1::bigint])$$) - 'detail',
  '{"sqlstate": "PT404", "message": "NOT_FOUND", "hint": "p_consumer"}'::jsonb, 'ack: an unknown consumer is NOT_FOUND');
select is(tests.error_of($$select public.configure_outbox_consumer('t-config', p_max_attempts => 0)$$) ->> 'hint', 'p_max_attempts',
  'configure: max_attempts is 1..100');
select is(tests.error_of($$select public.configure_outbox_consumer('t-config', p_retry_base_seconds => 60, p_retry_max_seconds => 1)$$) ->> 'hint',
  'p_retry_max_seconds', 'configure: the longest retry delay is not shorter than the first');
select is(tests.error_of($$select public.configure_outbox_consumer('t-config', p_lease_seconds => 0)$$) ->> 'hint', 'p_lease_seconds',
  'configure: a lease is 1 second to 1 day');

-- consumers: registration, topics -----------------------------------------------------------------
select is(
  public.configure_outbox_consumer('t-hooks', array['*'], 3, 10, 40, 60) - 'created_at',
  '{"consumer": "t-hooks", "topics": null, "max_attempts": 3, "retry_base_seconds": 10.000000, "retry_max_seconds": 40.000000, "lease_seconds": 60.000000}'::jsonb,
  'configure: registers a consumer with its retry policy (* = every topic)');
select is(public.configure_outbox_consumer('t-mail', array['booking.*', 'booking.reminder', 'booking.*']) -> 'topics',
  '["booking.*", "booking.reminder"]'::jsonb, 'configure: topic patterns are kept sorted, without duplicates');
select is(tests.error_of($$select * from public.claim_outbox_events('t-mail', 10, array['treatment.*'])$$) - 'detail',
  '{"sqlstate": "PT409", "message": "CONFLICT", "hint": "p_topics"}'::jsonb, 'claim: other topics than the consumer''s are a CONFLICT');

-- from here on as the database owner (a service call too, like pg_cron), to arrange state
select tests.clear_authentication();
do $$
begin
  perform tests.remember_event('e1', private.emit_event(tests.org_id('acme'), 'booking.created', '{"n": 1}'));
  perform tests.remember_event('e2', private.emit_event(tests.org_id('acme'), 'booking.cancelled', '{"n": 2}'));
  perform tests.remember_event('e3', private.emit_event(tests.org_id('rival'), 'treatment.next_session_due', '{"n": 3}'));
end
$$;

-- claim, ack, every consumer once --------------------------------------------------------------------
select results_eq(
  $$select event_id, topic, payload, attempt from public.claim_outbox_events('t-hooks', 2)$$,
  $$values (tests.event_ref('e1'), 'booking.created'::text, '{"n": 1}'::jsonb, 1), (tests.event_ref('e2'), 'booking.cancelled', '{"n": 2}', 1)$$,
  'claim: hands out the oldest events first, up to p_limit, attempt 1');
select results_eq(
  $$select event_id from public.claim_outbox_events('t-hooks', 10)$$,
  $$values (tests.event_ref('e3'))$$,
  'claim: an event already claimed (leased) is not handed out again');
select is_empty($$select 1 from public.claim_outbox_events('t-hooks', 10)$$, 'claim: nothing left');
select results_eq(
  $$select event_id from public.claim_outbox_events('t-mail', 10)$$,
  $$values (tests.event_ref('e1')), (tests.event_ref('e2'))$$,
  'claim: another consumer sees the same events again, only those of its topics');
select is(public.ack_outbox_events('t-hooks', array[tests.event_ref('e1'), tests.event_ref('e2')]), 2, 'ack: marks the events delivered');
select is(public.ack_outbox_events('t-hooks', array[tests.event_ref('e1'), tests.event_ref('e2'), 999999999]), 0,
  'ack: acking again (or an unknown id) changes nothing');
select is((select status from ops.outbox_deliveries where consumer = 't-mail' and event_id = tests.event_ref('e1')), 'pending',
  'ack: only for the consumer that acked');
do $$ begin update ops.outbox_deliveries set available_at = now() - interval '1 second' where consumer = 't-hooks'; end $$;
select is_empty($$select 1 from public.claim_outbox_events('t-hooks', 10) where event_id <> tests.event_ref('e3')$$,
  'claim: a delivered event is never claimed again');

-- fail, backoff, dead letter -------------------------------------------------------------------------
select is(tests.error_of($$select public.fail_outbox_event('t-hooks', tests.event_ref('e3'), ' ')$$) ->> 'hint', 'p_error',
  'fail: the error is required');
select is(tests.error_of($$select public.fail_outbox_event('t-hooks', 999999999, 'boom')$$) ->> 'message', 'NOT_FOUND',
  'fail: an event the consumer does not have is NOT_FOUND');
select is(public.fail_outbox_event('t-hooks', tests.event_ref('e3'), 'HTTP 500') - 'next_attempt_at',
  jsonb_build_object('event_id', tests.event_ref('e3'), 'status', 'retry', 'attempts', 2),
  'fail: the event will be retried');
select ok((select available_at - clock_timestamp() between interval '15 seconds' and interval '20 seconds'
           from ops.outbox_deliveries where consumer = 't-hooks' and event_id = tests.event_ref('e3')),
  'fail: after the second attempt the backoff is twice the base (20 s)');
select is_empty($$select 1 from public.claim_outbox_events('t-hooks', 10)$$, 'claim: a failed event waits for its backoff');
do $$ begin update ops.outbox_deliveries set available_at = now() - interval '1 second' where consumer = 't-hooks' and event_id = tests.event_ref('e3'); end $$;
select results_eq($$select attempt from public.claim_outbox_events('t-hooks', 10)$$, $$values (3)$$, 'claim: after the backoff it is attempt 3');
select is(public.fail_outbox_event('t-hooks', tests.event_ref('e3'), 'HTTP 500 again') ->> 'status', 'dead',
  'fail: the last allowed attempt failing dead-letters the event');
select is(public.ack_outbox_events('t-mail', array[tests.event_ref('e1')]), 1, '(another consumer acks its copy)');
select results_eq(
  $$select i ->> 'violations', i -> 'sample_ids' from jsonb_array_elements(public.integrity_report(tests.org_id('rival')) -> 'invariants') i
    where i ->> 'name' = 'outbox_dead_letters'$$,
  $$values ('1', jsonb_build_array('t-hooks:' || tests.event_ref('e3')))$$,
  'integrity_report counts the dead letter (sample consumer:event)');
select is(
  (select i ->> 'violations' from jsonb_array_elements(public.integrity_report(tests.org_id('acme')) -> 'invariants') i
   where i ->> 'name' = 'outbox_dead_letters'), '0', 'integrity_report: per organization');
do $$ begin update ops.outbox_deliveries set available_at = now() - interval '1 second' where consumer = 't-hooks'; end $$;
select is_empty($$select 1 from public.claim_outbox_events('t-hooks', 10)$$, 'claim: a dead letter is not handed out');
select is(public.requeue_outbox_events('t-hooks', array[tests.event_ref('e3')]), 1, 'requeue: the operator sends it round again');
select results_eq($$select event_id, attempt from public.claim_outbox_events('t-hooks', 10)$$,
  $$values (tests.event_ref('e3'), 1)$$, 'requeue: claimable at once, attempts from zero');

-- an expired lease counts as an attempt; at the cap it dead-letters ------------------------------------
do $$
begin
  update ops.outbox_deliveries set attempts = 3, available_at = now() - interval '1 second'
  where consumer = 't-hooks' and event_id = tests.event_ref('e3');
end
$$;
select is_empty($$select 1 from public.claim_outbox_events('t-hooks', 10)$$, 'lease: an expired last attempt is not handed out again');
select results_eq($$select status, last_error like '%lease ended%' from ops.outbox_deliveries where consumer = 't-hooks' and event_id = tests.event_ref('e3')$$,
  $$values ('dead'::text, true)$$, 'lease: ... it is dead-lettered, saying why');

-- release -----------------------------------------------------------------------------------------------
do $$ begin perform tests.remember_event('e4', private.emit_event(tests.org_id('acme'), 'booking.created', '{}')); end $$;
select results_eq($$select event_id, attempt from public.claim_outbox_events('t-hooks', 10)$$, $$values (tests.event_ref('e4'), 1)$$, 'release: (claimed)');
select is(public.release_outbox_events('t-hooks', array[tests.event_ref('e4')]), 1, 'release: a worker hands back an untried event');
select results_eq($$select event_id, attempt from public.claim_outbox_events('t-hooks', 10)$$, $$values (tests.event_ref('e4'), 1)$$,
  'release: claimable at once, the released claim not counted');

-- prune ---------------------------------------------------------------------------------------------------
do $$ begin update public.outbox_events set created_at = now() - interval '8 days' where id in (tests.event_ref('e1'), tests.event_ref('e2'), tests.event_ref('e4')); end $$;
-- the job prunes every organization's events: what it did is read from this suite's own events
create temp view own_events as
select e.id, (select count(*)::int from ops.outbox_deliveries d where d.event_id = e.id) as deliveries
from unnest(array[tests.event_ref('e1'), tests.event_ref('e2'), tests.event_ref('e4')]) as mine (id)
join public.outbox_events e on e.id = mine.id;
do $$ begin perform private.prune_outbox(); end $$;
select is((select count(*)::int from own_events), 3, 'prune: nothing while the events'' transaction may still be running for a consumer');
do $$
begin
  -- as if the transaction had long committed: every consumer's cursor is past it
  update ops.outbox_consumers set safe_xact_id = safe_xact_id + 1000000, safe_event_id = 0;
  perform private.prune_outbox();
end
$$;
select set_eq($$select id from own_events$$, $$values (tests.event_ref('e2')), (tests.event_ref('e4'))$$,
  'prune: deletes old events every consumer delivered (e1); keeps pending ones (e2, e4)');
select is((select count(*)::int from ops.outbox_deliveries where event_id = tests.event_ref('e1')), 0,
  'prune: ... with their delivery rows');

select * from finish();
rollback;
