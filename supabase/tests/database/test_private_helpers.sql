-- private helpers: the error contract (section 4) and the membership predicates used by RLS.
begin;
select plan(26);

-- raise_error: message = code, SQLSTATE per code
select throws_ok($$select private.raise_error('INVALID_REQUEST', 'Bad input.', 'p_name')$$, 'PT400', 'INVALID_REQUEST', 'INVALID_REQUEST raises PT400');
select throws_ok($$select private.raise_error('UNAUTHORIZED', 'Sign in.')$$, 'PT401', 'UNAUTHORIZED', 'UNAUTHORIZED raises PT401');
select throws_ok($$select private.raise_error('FORBIDDEN', 'No.')$$, 'PT403', 'FORBIDDEN', 'FORBIDDEN raises PT403');
select throws_ok($$select private.raise_error('NOT_FOUND', 'Absent.')$$, 'PT404', 'NOT_FOUND', 'NOT_FOUND raises PT404');
select throws_ok($$select private.raise_error('ALREADY_CANCELLED', 'x')$$, 'PT409', 'ALREADY_CANCELLED', 'ALREADY_CANCELLED raises PT409');
select throws_ok($$select private.raise_error('SLOT_TAKEN', 'x')$$, 'PT409', 'SLOT_TAKEN', 'SLOT_TAKEN raises PT409');
select throws_ok($$select private.raise_error('CAPACITY_REACHED', 'x')$$, 'PT409', 'CAPACITY_REACHED', 'CAPACITY_REACHED raises PT409');
select throws_ok($$select private.raise_error('NO_CREDITS_LEFT', 'x')$$, 'PT409', 'NO_CREDITS_LEFT', 'NO_CREDITS_LEFT raises PT409');
select throws_ok($$select private.raise_error('ALREADY_ACTIVE_SUBSCRIPTION', 'x')$$, 'PT409', 'ALREADY_ACTIVE_SUBSCRIPTION', 'ALREADY_ACTIVE_SUBSCRIPTION raises PT409');
select throws_ok($$select private.raise_error('CONFLICT', 'x')$$, 'PT409', 'CONFLICT', 'CONFLICT raises PT409');
select throws_ok($$select private.raise_error('BOOKING_IN_PAST', 'x')$$, 'PT422', 'BOOKING_IN_PAST', 'BOOKING_IN_PAST raises PT422');
select throws_ok($$select private.raise_error('SOME_OTHER_RULE', 'x')$$, 'PT422', 'SOME_OTHER_RULE', 'any other rule violation raises PT422');

select is(tests.error_of($$select private.raise_error('INVALID_REQUEST', 'A name is required.', 'p_name')$$),
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "detail": "A name is required.", "hint": "p_name"}'::jsonb,
  'raise_error carries the human detail and the field name as hint');
select is(tests.error_of($$select private.raise_error('FORBIDDEN', 'Owners only.')$$) ->> 'hint', null,
  'raise_error without a hint leaves the hint empty');

-- membership predicates
do $$
begin
  perform tests.seed_org('acme');
  perform tests.seed_org('rival');
end
$$;

select tests.act_as('acme_owner');
select ok(private.is_member(tests.org_id('acme')), 'is_member: true for the caller''s organization');
select ok(not private.is_member(tests.org_id('rival')), 'is_member: false for another organization');
select ok(private.has_role(tests.org_id('acme'), array['owner', 'admin']), 'has_role: owner matches owner/admin');
select ok(not private.has_role(tests.org_id('rival'), array['owner', 'admin']), 'has_role: an owner elsewhere has no role here');

select tests.act_as('acme_client');
select ok(private.has_role(tests.org_id('acme'), array['client']), 'has_role: client matches client');
select ok(not private.has_role(tests.org_id('acme'), array['owner', 'admin', 'provider']), 'has_role: client does not match staff roles');
select ok(not private.is_service_call(), 'is_service_call: false for an authenticated user');

select tests.act_as('stranger');
select ok(not private.is_member(tests.org_id('acme')), 'is_member: false for a user of no organization');

select tests.authenticate_as_anon();
select throws_ok($$select private.is_member(tests.org_id('acme'))$$, '42501', null, 'anon cannot call private helpers');

select tests.authenticate_as_service_role();
select ok(private.is_service_call(), 'is_service_call: true for service_role');

select tests.clear_authentication();
select ok(private.is_service_call(), 'is_service_call: true for a direct database session (postgres, backfills, cron)');
select ok(not private.is_member(tests.org_id('acme')), 'is_member: false without a caller');

select * from finish();
rollback;
