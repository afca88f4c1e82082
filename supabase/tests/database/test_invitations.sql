-- Invitations and one calendar per person (issue 11, "Cross-tenant calendar blocking"): adding
-- someone to an organization is an invitation that grants nothing until they accept it; nobody
-- can put a person who never joined on a calendar (RPCs or direct writes); accepting, declining
-- and leaving (with its rules); and a provider of two organizations is never double-booked.
-- The clinic's provider is the "victim"; mallory is any signed-in user with an organization.
begin;
select plan(54);

do $$
declare
  v_clinic uuid := tests.seed_org('clinic');
  v_gym uuid := tests.seed_org('gym');
begin
  perform tests.create_user('mallory');
  perform tests.create_user('mallory_client');
  perform tests.create_user('newbie');
  perform tests.remember('physio', tests.seed_bookable_service(v_clinic, 'Physio', 60));
  perform tests.seed_weekly_hours(v_clinic, tests.uid('clinic_provider'));
  -- the clinic's provider also works for the gym (an accepted membership)
  perform tests.add_member('gym', 'clinic_provider', 'provider');
  perform tests.remember('training', tests.seed_bookable_service(v_gym, 'Training', 60));
  perform tests.seed_weekly_hours(v_gym, tests.uid('clinic_provider'));
end
$$;

-- an organization of mallory's own, with a client and a service
select tests.act_as('mallory');
do $$ begin perform tests.remember('mallory_org', (public.create_organization('Mallory Co', 'mallory-co', 'UTC')).id); end $$;
select is((select status from public.organization_members where organization_id = tests.ref('mallory_org') and user_id = tests.uid('mallory')),
  'accepted', 'create_organization: the creator is accepted at once');
select tests.clear_authentication();
do $$
begin
  insert into public.organization_members (organization_id, user_id, role, status)
  values (tests.ref('mallory_org'), tests.uid('mallory_client'), 'client', 'accepted');
  perform tests.remember('blocker', tests.seed_bookable_service(tests.ref('mallory_org'), 'Blocker', 60));
end
$$;

-- the attack with RPCs only: invite the victim, then schedule them ----------------------------
select tests.act_as('mallory');
select results_eq(
  format($$select role, status, invited_by from public.add_organization_member(%L, %L, 'provider')$$, tests.ref('mallory_org'), tests.uid('clinic_provider')),
  format($$values ('provider'::text, 'invited'::text, %L::uuid)$$, tests.uid('mallory')),
  'add_organization_member: creates an invitation, not a membership');
select throws_ok(
  format($$select public.create_service_session(%L, %L, %L)$$, tests.ref('blocker'), tests.uid('clinic_provider'), tests.slot(0, '10:00')),
  'PT404', 'NOT_FOUND', 'attack: create_service_session for an invited (not accepted) provider is NOT_FOUND');
select is(
  (tests.error_of(format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at) values (%L, %L, %L, %L, %L)$$,
    tests.ref('mallory_org'), tests.ref('blocker'), tests.uid('clinic_provider'), tests.slot(0, '00:00'), tests.slot(0, '00:00') + interval '365 days'))) - 'detail',
  '{"sqlstate": "PT404", "message": "NOT_FOUND", "hint": "provider_id"}'::jsonb,
  'attack: a year-long session inserted directly for the invited provider is refused by the database');
select throws_ok(
  format($$select public.get_available_slots(%L, %L, %L, %L)$$, tests.uid('clinic_provider'), tests.ref('blocker'), tests.next_weekday(1), tests.next_weekday(1)),
  'PT404', 'NOT_FOUND', 'an invited provider appears in no slot search');
select throws_ok(
  format($$select public.book_individual_session(%L, %L, %L, p_client_id => %L)$$, tests.ref('blocker'), tests.uid('clinic_provider'), tests.slot(0, '10:00'), tests.uid('mallory_client')),
  'PT404', 'NOT_FOUND', 'nobody can book an invited provider');
select tests.clear_authentication();
select throws_ok(
  format($$insert into public.service_sessions (organization_id, service_id, provider_id, starts_at, ends_at) values (%L, %L, %L, %L, %L)$$,
    tests.ref('mallory_org'), tests.ref('blocker'), tests.uid('clinic_provider'), tests.slot(0, '00:00'), tests.slot(0, '00:00') + interval '1 day'),
  'PT404', 'NOT_FOUND', 'the rule holds for every writer: not even a direct database session schedules a non-member');

select tests.act_as('clinic_client');
select is(
  (select count(*)::int from public.get_available_slots(tests.uid('clinic_provider'), tests.ref('physio'), tests.next_weekday(1), tests.next_weekday(1))),
  8, 'the victim''s own organization still sees all 8 slots of their day');

-- what an invitation lets the invited user see: the organization's name, their own row -------------
select tests.act_as('clinic_provider');
select results_eq(format($$select name from public.organizations where id = %L$$, tests.ref('mallory_org')),
  $$values ('Mallory Co'::text)$$, 'an invited user reads the name of the organization that invited them');
select results_eq(format($$select user_id, status from public.organization_members where organization_id = %L$$, tests.ref('mallory_org')),
  format($$values (%L::uuid, 'invited'::text)$$, tests.uid('clinic_provider')),
  'an invited user sees their own invitation, not the member list');
select is_empty(format($$select 1 from public.services where organization_id = %L$$, tests.ref('mallory_org')),
  'an invited user reads none of the organization''s data');
select throws_ok(format($$select public.ensure_organization_settings(%L)$$, tests.ref('mallory_org')),
  'PT404', 'NOT_FOUND', 'an invitation grants no role: the organization''s RPCs answer NOT_FOUND');

-- only the invited user answers ----------------------------------------------------------------
select tests.act_as('newbie');
select throws_ok(format($$select public.accept_invitation(%L)$$, tests.ref('mallory_org')),
  'PT404', 'NOT_FOUND', 'accept_invitation: someone who was not invited gets NOT_FOUND');
select tests.act_as('mallory');
select is((tests.error_of(format($$update public.organization_members set status = 'accepted' where user_id = %L and organization_id = %L$$,
    tests.uid('clinic_provider'), tests.ref('mallory_org')))) - 'detail',
  '{"sqlstate": "PT400", "message": "INVALID_REQUEST", "hint": "status"}'::jsonb,
  'nobody accepts on the invited user''s behalf, not even the owner by writing the table (INVALID_REQUEST)');
select tests.act_as('clinic_provider');
select is(tests.affected_rows(format($$update public.organization_members set status = 'accepted' where organization_id = %L$$, tests.ref('mallory_org'))), 0,
  'the invited user does not accept by writing the table either (accept_invitation is the way)');
select tests.act_as('clinic_provider');
select lives_ok(format($$select public.decline_invitation(%L)$$, tests.ref('mallory_org')),
  'decline_invitation: the invited user declines');
select is_empty(format($$select 1 from public.organization_members where organization_id = %L and user_id = %L$$, tests.ref('mallory_org'), tests.uid('clinic_provider')),
  'decline_invitation: the invitation is gone');
select throws_ok(format($$select public.decline_invitation(%L)$$, tests.ref('mallory_org')),
  'PT404', 'NOT_FOUND', 'decline_invitation: nothing left to decline is NOT_FOUND');
select tests.clear_authentication();
select is((select count(*)::int from public.outbox_events where organization_id = tests.ref('mallory_org')
           and topic in ('member.invited', 'member.invitation_declined') and payload ->> 'user_id' = tests.uid('clinic_provider')::text),
  2, 'member.invited and member.invitation_declined are in the outbox (the invitee can be notified)');

-- accepting ------------------------------------------------------------------------------------
select tests.act_as('mallory');
select lives_ok(format($$select public.add_organization_member(%L, %L, 'client')$$, tests.ref('mallory_org'), tests.uid('newbie')),
  'the owner invites a client');
select throws_ok(format($$select public.add_organization_member(%L, %L, 'client')$$, tests.ref('mallory_org'), tests.uid('newbie')),
  'PT409', 'CONFLICT', 'add_organization_member: inviting twice is CONFLICT');
select tests.act_as('newbie');
select is((public.accept_invitation(tests.ref('mallory_org'))).status, 'accepted', 'accept_invitation: the invited user accepts');
select is((public.accept_invitation(tests.ref('mallory_org'))).status, 'accepted', 'accept_invitation: accepting again changes nothing');
select results_eq(format($$select name from public.services where organization_id = %L$$, tests.ref('mallory_org')),
  $$values ('Blocker'::text)$$, 'once accepted, the membership has its role (the client reads the catalogue)');
select throws_ok(format($$select public.decline_invitation(%L)$$, tests.ref('mallory_org')),
  'PT409', 'CONFLICT', 'decline_invitation: a member has nothing to decline (CONFLICT: leave instead)');
select tests.act_as('mallory');
select is((tests.error_of(format($$update public.organization_members set role = 'provider' where user_id = %L and organization_id = %L$$,
    tests.uid('newbie'), tests.ref('mallory_org')))) ->> 'message', 'FORBIDDEN',
  'a client is never made a provider without consent (direct role change: FORBIDDEN)');
select tests.act_as_signed_out();
select throws_ok(format($$select public.accept_invitation(%L)$$, tests.ref('mallory_org')),
  'PT401', 'UNAUTHORIZED', 'accept_invitation: signed out is UNAUTHORIZED');
select tests.authenticate_as_service_role();
select throws_ok(format($$select public.accept_invitation(%L)$$, tests.ref('mallory_org')),
  'PT401', 'UNAUTHORIZED', 'accept_invitation: service_role has no invitation to accept (UNAUTHORIZED)');
select tests.authenticate_as_anon();
select throws_ok(format($$select public.accept_invitation(%L)$$, tests.ref('mallory_org')),
  '42501', null, 'accept_invitation: anon cannot call it');
select tests.act_as('newbie');
select throws_ok($$select public.accept_invitation(null)$$, 'PT400', 'INVALID_REQUEST', 'accept_invitation: an organization id is required');

-- one calendar across two organizations -----------------------------------------------------------
select tests.act_as('clinic_client');
do $$ begin perform tests.remember('clinic_booking', (public.book_individual_session(tests.ref('physio'), tests.uid('clinic_provider'), tests.slot(0, '10:00'))).id); end $$;
select tests.act_as('gym_client');
select is(
  (select count(*)::int from public.get_available_slots(tests.uid('clinic_provider'), tests.ref('training'), tests.next_weekday(1), tests.next_weekday(1))),
  7, 'one calendar: the gym no longer offers the hour the clinic booked');
select throws_ok(
  format($$select public.book_individual_session(%L, %L, %L)$$, tests.ref('training'), tests.uid('clinic_provider'), tests.slot(0, '10:00')),
  'PT409', 'SLOT_TAKEN', 'one calendar: booking the same provider in the gym at the same time is SLOT_TAKEN');
do $$ begin perform tests.remember('gym_booking', (public.book_individual_session(tests.ref('training'), tests.uid('clinic_provider'), tests.slot(1, '10:00'))).id); end $$;

-- leaving ------------------------------------------------------------------------------------------
select tests.act_as('clinic_provider');
select is((tests.error_of(format($$select public.leave_organization(%L)$$, tests.org_id('gym')))) - 'detail',
  '{"sqlstate": "PT409", "message": "CONFLICT", "hint": "user_id"}'::jsonb,
  'leave_organization: a provider with an upcoming session there cannot leave (CONFLICT)');
select tests.act_as('gym_admin');
select is((tests.error_of(format($$update public.organization_members set role = 'client' where organization_id = %L and user_id = %L$$,
    tests.org_id('gym'), tests.uid('clinic_provider')))) ->> 'message', 'CONFLICT',
  'nor can they be demoted to client while they run upcoming sessions');
select is((tests.error_of(format($$delete from public.organization_members where organization_id = %L and user_id = %L$$,
    tests.org_id('gym'), tests.uid('clinic_provider')))) ->> 'message', 'CONFLICT',
  'nor removed by an admin');
select tests.act_as('clinic_provider');
select lives_ok(format($$select public.cancel_booking(%L, 'I am leaving the gym')$$, tests.ref('gym_booking')),
  'the provider cancels their upcoming gym booking ...');
select tests.clear_authentication();
do $$ begin perform tests.remember('gym_series', tests.seed_series(tests.org_id('gym'), 'gym_client', 'clinic_provider', tests.ref('training'), 'weekly', tests.next_weekday(1) + 14, '10:00')); end $$;
select tests.act_as('clinic_provider');
select is(public.leave_organization(tests.org_id('gym')) ->> 'role', 'provider', '... and then leaves');
select is_empty(format($$select 1 from public.organization_members where organization_id = %L and user_id = %L$$, tests.org_id('gym'), tests.uid('clinic_provider')),
  'leave_organization: the membership is gone');
select tests.clear_authentication();
select is((select count(*)::int from public.availability_rules where organization_id = tests.org_id('gym') and provider_id = tests.uid('clinic_provider')),
  0, 'leave_organization: their working hours there are deleted');
select is((select is_active from public.recurring_bookings where id = tests.ref('gym_series')), false,
  'leave_organization: recurring series they ran there end');
select is((select count(*)::int from public.outbox_events where organization_id = tests.org_id('gym') and topic = 'member.left'), 1,
  'leave_organization: member.left is in the outbox');
select tests.act_as('gym_client');
select throws_ok(
  format($$select public.get_available_slots(%L, %L, %L, %L)$$, tests.uid('clinic_provider'), tests.ref('training'), tests.next_weekday(1), tests.next_weekday(1)),
  'PT404', 'NOT_FOUND', 'after leaving, the provider is in no slot search of that organization');
select tests.act_as('clinic_client');
select is((tests.error_of(format($$select public.leave_organization(%L)$$, tests.org_id('clinic')))) ->> 'message', 'CONFLICT',
  'leave_organization: a client with an upcoming booking cannot leave');
select tests.act_as('mallory');
select is((tests.error_of(format($$select public.leave_organization(%L)$$, tests.ref('mallory_org')))) ->> 'message', 'CONFLICT',
  'leave_organization: the last owner cannot leave');
select tests.act_as('newbie');
select is(public.leave_organization(tests.ref('mallory_org')) ->> 'success', 'true', 'leave_organization: a client without bookings leaves');
select throws_ok(format($$select public.leave_organization(%L)$$, tests.ref('mallory_org')),
  'PT404', 'NOT_FOUND', 'leave_organization: not a member is NOT_FOUND');
select tests.act_as_signed_out();
select throws_ok(format($$select public.leave_organization(%L)$$, tests.ref('mallory_org')),
  'PT401', 'UNAUTHORIZED', 'leave_organization: signed out is UNAUTHORIZED');

-- who sees whom ---------------------------------------------------------------------------------
select tests.clear_authentication();
do $$ begin perform tests.add_member('clinic', 'clinic_client2', 'client'); end $$;
select tests.act_as('clinic_client');
select is((select count(*)::int from public.organization_members where user_id = tests.uid('clinic_client2')), 0,
  'a client does not see the other clients of their organization');
select tests.act_as('clinic_provider');
select is((select count(*)::int from public.organization_members where organization_id = tests.org_id('clinic')), 5,
  'a provider sees every accepted member (they serve the clients)');
select tests.act_as('clinic_admin');
select lives_ok(format($$select public.add_organization_member(%L, %L, 'client')$$, tests.org_id('clinic'), tests.uid('newbie')),
  'the admin invites a client ...');
select is((select count(*)::int from public.organization_members where organization_id = tests.org_id('clinic')), 6,
  '... and sees the invitation in the member list');
select tests.act_as('clinic_provider');
select is((select count(*)::int from public.organization_members where organization_id = tests.org_id('clinic')), 5,
  'a provider does not see pending invitations');
select tests.act_as('clinic_admin');
select is(tests.affected_rows(format($$delete from public.organization_members where organization_id = %L and user_id = %L$$, tests.org_id('clinic'), tests.uid('newbie'))),
  1, 'the admin withdraws an invitation');
select tests.clear_authentication();
select is((select count(*)::int from public.outbox_events where organization_id = tests.org_id('clinic') and topic = 'member.invitation_withdrawn'), 1,
  'withdrawing an invitation is announced (member.invitation_withdrawn)');

select * from finish();
rollback;
