-- Public booking pages (issue 14): an organization that publishes its page shows anon its public
-- services, their providers' display names and free slots - and nothing else; a signed-in
-- visitor (a Supabase anonymous sign-in too, when the organization allows it) books a slot and
-- becomes a client in the same transaction. Every role: owner, admin, provider, client, a member
-- of another organization, anon, service_role, a signed-in non-member and an anonymous sign-in.
begin;
select plan(70);

do $$
declare
  v_acme uuid := tests.seed_org('acme');
  v_rival uuid := tests.seed_org('rival');
begin
  perform tests.add_member('acme', 'acme_provider2', 'provider');  -- no weekly hours: not listed
  perform tests.create_user('visitor');
  perform tests.create_user('visitor2');
  perform tests.create_user('invitee');
  perform tests.create_user('guest', true);
  insert into public.organization_members (organization_id, user_id, role, status)
  values (v_acme, tests.uid('invitee'), 'client', 'invited');

  perform tests.remember('physio', tests.seed_bookable_service(v_acme, 'Physio', 60));
  perform tests.remember('massage', tests.seed_bookable_service(v_acme, 'Massage', 30, 1, 40, tests.uid('acme_provider')));
  perform tests.remember('internal', tests.seed_bookable_service(v_acme, 'Internal', 60));
  perform tests.remember('retired', tests.seed_bookable_service(v_acme, 'Retired', 60));
  perform tests.remember('rival_physio', tests.seed_bookable_service(v_rival, 'Physio', 60));
  update public.services set is_public = true, description = 'Hands-on therapy'
  where id in (tests.ref('physio'), tests.ref('massage'), tests.ref('retired'), tests.ref('rival_physio'));
  update public.services set is_active = false where id = tests.ref('retired');
  perform tests.seed_weekly_hours(v_acme, tests.uid('acme_provider'), '09:00', '12:00');
  perform tests.seed_weekly_hours(v_rival, tests.uid('rival_provider'), '09:00', '12:00');
  -- acme publishes its page, rival does not
  update public.organization_settings set public_booking_enabled = true where organization_id = v_acme;
  -- day 0 10:00 is taken
  perform tests.seed_booking(tests.ref('physio'), tests.uid('acme_client'), tests.slot(0, '10:00'));
end
$$;

-- the page, as anon ------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(
  public.get_public_booking_page('acme') -> 'organization',
  jsonb_build_object('name', 'Acme', 'slug', 'acme', 'timezone', 'UTC'),
  'page: anon reads the organization''s name, slug and time zone');
select is(
  (select array_agg(k order by k) from jsonb_object_keys(public.get_public_booking_page('acme')) as k),
  array['allows_anonymous', 'anonymous_booking_kind', 'organization', 'services'],
  'page: nothing but the organization, its anonymous-booking setting and its services');
select results_eq(
  $$select name, duration_minutes, price, description from public.list_public_services('acme')$$,
  $$values ('Massage'::text, 30, 40.00::numeric, 'Hands-on therapy'::text), ('Physio', 60, 50.00, 'Hands-on therapy')$$,
  'page: the public, active services only (not the internal one, not the retired one)');
select is(
  (select providers from public.list_public_services('acme') where name = 'Physio'),
  jsonb_build_array(jsonb_build_object('provider_id', tests.uid('acme_provider'), 'display_name', 'Acme provider')),
  'page: a service without its own provider lists the providers who keep weekly hours, by display name');
select is(
  (select providers from public.list_public_services('acme') where name = 'Massage'),
  jsonb_build_array(jsonb_build_object('provider_id', tests.uid('acme_provider'), 'display_name', 'Acme provider')),
  'page: a service with its own provider lists that provider');
select is(
  (select array_agg(distinct k order by k)
   from jsonb_array_elements(public.get_public_booking_page('acme') -> 'services') as s,
        jsonb_object_keys(s) as k),
  array['currency', 'description', 'duration_minutes', 'name', 'price', 'providers', 'requires_approval', 'service_id'],
  'page: each service shows exactly its public columns');
select ok(
  public.get_public_booking_page('acme')::text !~ '@'
  and position(tests.uid('acme_client')::text in public.get_public_booking_page('acme')::text) = 0
  and position(tests.uid('acme_owner')::text in public.get_public_booking_page('acme')::text) = 0,
  'page: no email, no client, no member who offers nothing');
select is(public.get_public_booking_page('acme') -> 'allows_anonymous', 'false'::jsonb,
  'page: says whether anonymous sign-ins may book');
select throws_ok($$select public.get_public_booking_page('rival')$$, 'PT404', 'NOT_FOUND',
  'page: an organization that did not publish its page has none (NOT_FOUND)');
select throws_ok($$select public.get_public_booking_page('no-such-page')$$, 'PT404', 'NOT_FOUND',
  'page: NOT_FOUND for an unknown slug');
select is(tests.error_of($$select public.get_public_booking_page('Not A Slug!')$$) ->> 'hint', 'p_slug',
  'page: INVALID_REQUEST (hint p_slug) for a malformed slug');
select throws_ok($$select * from public.list_public_services('rival')$$, 'PT404', 'NOT_FOUND',
  'page: list_public_services is NOT_FOUND for an unpublished page too');

-- and nothing else for anon ------------------------------------------------------------------------
select is(
  (select count(*)::int from public.services) + (select count(*)::int from public.organizations)
  + (select count(*)::int from public.organization_settings) + (select count(*)::int from public.organization_members)
  + (select count(*)::int from public.bookings) + (select count(*)::int from public.service_sessions)
  + (select count(*)::int from public.availability_rules),
  0,
  'anon: still reads no row of any table (organizations, settings, services, members, bookings, sessions, hours)');
select throws_ok(
  format($$select * from public.get_available_slots(%L, %L, current_date, current_date)$$, tests.uid('acme_provider'), tests.ref('physio')),
  '42501', null, 'anon: the members'' slot search stays closed');

-- every role reads the same page ---------------------------------------------------------------------
select tests.act_as('acme_owner');
select is((select count(*)::int from public.list_public_services('acme')), 2, 'page: the owner reads it');
select tests.act_as('acme_admin');
select is((select count(*)::int from public.list_public_services('acme')), 2, 'page: an admin reads it');
select tests.act_as('acme_provider');
select is((select count(*)::int from public.list_public_services('acme')), 2, 'page: a provider reads it');
select tests.act_as('acme_client');
select is((select count(*)::int from public.list_public_services('acme')), 2, 'page: a client reads it');
select tests.act_as('rival_owner');
select is((select count(*)::int from public.list_public_services('acme')), 2, 'page: a member of another organization reads it');
select throws_ok($$select public.get_public_booking_page('rival')$$, 'PT404', 'NOT_FOUND',
  'page: even its own owner gets NOT_FOUND while the page is unpublished');
select tests.act_as('visitor');
select is((select count(*)::int from public.list_public_services('acme')), 2, 'page: a signed-in non-member reads it');
select tests.act_as('guest', true);
select is((select count(*)::int from public.list_public_services('acme')), 2, 'page: an anonymous sign-in reads it');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.list_public_services('acme')), 2, 'page: service_role reads it');

-- slots ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq(
  format($$select starts_at from public.get_public_available_slots(%L, %L, tests.next_weekday(1), tests.next_weekday(1))$$,
         tests.uid('acme_provider'), tests.ref('physio')),
  $$values (tests.slot(0, '09:00')), (tests.slot(0, '11:00'))$$,
  'slots: anon sees the free slots of a listed service (the booked 10:00 is gone)');
select throws_ok(
  format($$select * from public.get_public_available_slots(%L, %L, current_date, current_date)$$, tests.uid('acme_provider'), tests.ref('internal')),
  'PT404', 'NOT_FOUND', 'slots: NOT_FOUND for a service that is not public');
select throws_ok(
  format($$select * from public.get_public_available_slots(%L, %L, current_date, current_date)$$, tests.uid('acme_provider'), tests.ref('retired')),
  'PT404', 'NOT_FOUND', 'slots: NOT_FOUND for a retired public service');
select throws_ok(
  format($$select * from public.get_public_available_slots(%L, %L, current_date, current_date)$$, tests.uid('rival_provider'), tests.ref('rival_physio')),
  'PT404', 'NOT_FOUND', 'slots: NOT_FOUND for a public service of an unpublished page');
select is(
  tests.error_of(format($$select * from public.get_public_available_slots(%L, %L, current_date, current_date)$$, tests.uid('acme_owner'), tests.ref('physio'))) ->> 'hint',
  'p_provider_id', 'slots: NOT_FOUND (hint p_provider_id) for a member who does not offer the service on the page');
select is(
  tests.error_of(format($$select * from public.get_public_available_slots(%L, %L, current_date, current_date + 100)$$, tests.uid('acme_provider'), tests.ref('physio'))) ->> 'hint',
  'p_to', 'slots: the same argument checks as get_available_slots (at most 92 days)');
select tests.act_as('acme_client');
select results_eq(
  format($$select starts_at, ends_at from public.get_public_available_slots(%L, %L, tests.next_weekday(1), tests.next_weekday(1) + 6)$$,
         tests.uid('acme_provider'), tests.ref('physio')),
  format($$select starts_at, ends_at from public.get_available_slots(%L, %L, tests.next_weekday(1), tests.next_weekday(1) + 6)$$,
         tests.uid('acme_provider'), tests.ref('physio')),
  'slots: the public page offers exactly the slots a client of the organization sees');

-- booking ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(0, '09:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  'PT401', 'UNAUTHORIZED', 'book: anon must sign in first (UNAUTHORIZED)');
select tests.authenticate_as_service_role();
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(0, '09:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  'PT401', 'UNAUTHORIZED', 'book: service_role has no one to book for (book_individual_session names the client)');

select tests.act_as('visitor');
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(0, '10:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  'PT409', 'SLOT_TAKEN', 'book: a taken slot is refused with the booking core''s code');
select is(
  (select count(*)::int from public.organization_members where user_id = tests.uid('visitor')),
  0, 'book: a refused booking leaves no membership behind');
select results_eq(
  format($$select status, booking_kind, client_id, start_time from public.book_public_slot(%L, %L, tests.slot(0, '09:00'))$$,
         tests.ref('physio'), tests.uid('acme_provider')),
  $$values ('confirmed'::text, 'regular'::text, tests.uid('visitor'), tests.slot(0, '09:00'))$$,
  'book: a signed-in non-member books a listed slot (regular, confirmed)');
select results_eq(
  $$select role, status from public.organization_members where user_id = tests.uid('visitor')$$,
  $$values ('client'::text, 'accepted'::text)$$,
  'book: and became an accepted client of the organization in the same transaction');
select is(
  (select count(*)::int from public.bookings where client_id = tests.uid('visitor')),
  1, 'book: the new client reads their booking (RLS as for any client)');
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(1, '09:00'))$$, tests.ref('internal'), tests.uid('acme_provider')),
  'PT404', 'NOT_FOUND', 'book: NOT_FOUND for a service that is not on the page');
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(1, '09:00'))$$, tests.ref('rival_physio'), tests.uid('rival_provider')),
  'PT404', 'NOT_FOUND', 'book: NOT_FOUND for a service of an unpublished page');
select is(
  tests.error_of(format($$select public.book_public_slot(%L, %L, tests.slot(1, '09:00'))$$, tests.ref('physio'), tests.uid('acme_provider2'))) ->> 'hint',
  'p_provider_id', 'book: NOT_FOUND (hint p_provider_id) for a provider the page does not list');
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(1, '13:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  'PT422', 'OUTSIDE_AVAILABILITY', 'book: every booking rule applies (OUTSIDE_AVAILABILITY)');
select is(
  tests.error_of(format($$select public.book_public_slot(%L, %L, null)$$, tests.ref('physio'), tests.uid('acme_provider'))) ->> 'hint',
  'p_starts_at', 'book: INVALID_REQUEST (hint p_starts_at) without a start');

select tests.authenticate_as_service_role();
select ok(
  exists (select 1 from public.outbox_events
          where organization_id = tests.org_id('acme') and topic = 'member.joined'
            and payload ->> 'user_id' = tests.uid('visitor')::text),
  'book: a member.joined event announces the new client');

-- every role of the organization ---------------------------------------------------------------------------
select tests.act_as('acme_client');
select results_eq(
  format($$select status, booking_kind from public.book_public_slot(%L, %L, tests.slot(0, '11:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  $$values ('confirmed'::text, 'regular'::text)$$,
  'book: an existing client books from the page like anyone');
select tests.act_as('acme_provider');
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(1, '09:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  'PT403', 'FORBIDDEN', 'book: a provider of the organization does not book for themself');
select tests.act_as('acme_admin');
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(1, '09:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  'PT403', 'FORBIDDEN', 'book: nor does an admin');
select tests.act_as('acme_owner');
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(1, '09:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  'PT403', 'FORBIDDEN', 'book: nor does the owner');
select tests.act_as('rival_client');
select results_eq(
  format($$select status, client_id from public.book_public_slot(%L, %L, tests.slot(1, '09:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  $$values ('confirmed'::text, tests.uid('rival_client'))$$,
  'book: a member of another organization is a visitor here: books and becomes a client');
select tests.act_as('invitee');
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(1, '10:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  'PT409', 'CONFLICT', 'book: someone with an open invitation answers it first (CONFLICT)');

-- anonymous sign-ins ---------------------------------------------------------------------------------------------
select tests.act_as('guest', true);
select is(
  tests.error_of(format($$select public.book_public_slot(%L, %L, tests.slot(1, '10:00'))$$, tests.ref('physio'), tests.uid('acme_provider'))),
  jsonb_build_object('sqlstate', 'PT403', 'message', 'FORBIDDEN',
                     'detail', 'This organization does not take bookings from anonymous sign-ins: sign in with an account.',
                     'hint', 'is_anonymous'),
  'anonymous: FORBIDDEN (hint is_anonymous) while the organization does not allow anonymous sign-ins');
select is(
  (select count(*)::int from public.organization_members where user_id = tests.uid('guest')),
  0, 'anonymous: and no membership is left behind');

select tests.act_as('acme_admin');
select is(
  tests.affected_rows($$update public.organization_settings set public_booking_allows_anonymous = true where organization_id = tests.org_id('acme')$$),
  1, 'settings: an admin lets anonymous sign-ins book');
select tests.act_as('acme_client');
select is(
  tests.affected_rows($$update public.organization_settings set public_booking_enabled = false where organization_id = tests.org_id('acme')$$),
  0, 'settings: a client cannot unpublish the page (RLS)');

select tests.act_as('guest', true);
select results_eq(
  format($$select status, booking_kind, subscription_id from public.book_public_slot(%L, %L, tests.slot(1, '10:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  $$values ('confirmed'::text, 'guest'::text, null::uuid)$$,
  'anonymous: once allowed, books as the organization''s anonymous kind (guest: no credit)');
select results_eq(
  $$select role, status from public.organization_members where user_id = tests.uid('guest')$$,
  $$values ('client'::text, 'accepted'::text)$$,
  'anonymous: and is a client now');
select is(
  tests.error_of(format($$select public.book_individual_session(%L, %L, tests.slot(1, '11:00'))$$, tests.ref('physio'), tests.uid('acme_provider'))) ->> 'hint',
  'p_booking_kind', 'anonymous: as a client too, only as the organization''s anonymous kind (a regular booking: FORBIDDEN)');
select lives_ok(
  format($$select public.book_individual_session(%L, %L, tests.slot(1, '11:00'), null, 'guest')$$, tests.ref('physio'), tests.uid('acme_provider')),
  'anonymous: a guest booking through book_individual_session is fine');
select is(
  tests.error_of(format($$select public.create_recurring_booking(%L, %L, 'weekly', tests.next_weekday(1) + 21)$$, tests.ref('physio'), tests.uid('acme_provider'))) ->> 'hint',
  'user_id', 'anonymous: nor a recurring series (its occurrences would be regular bookings)');
select is(
  tests.error_of(format($$insert into public.bookings (organization_id, client_id, provider_id, service_id, start_time, end_time, status)
                          values (%L, %L, %L, %L, tests.slot(2, '09:00'), tests.slot(2, '10:00'), 'confirmed')$$,
                        tests.org_id('acme'), tests.uid('guest'), tests.uid('acme_provider'), tests.ref('physio'))) ->> 'hint',
  'booking_kind', 'anonymous: a direct insert follows the same rule (hint booking_kind)');
select tests.act_as('acme_owner');
select lives_ok($$update public.organization_settings set public_booking_anonymous_kind = 'trial' where organization_id = tests.org_id('acme')$$,
  'settings: the owner makes anonymous bookings trials');
select tests.act_as('guest', true);
select results_eq(
  format($$select booking_kind from public.book_public_slot(%L, %L, tests.slot(2, '09:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  $$values ('trial'::text)$$,
  'anonymous: books as trial from then on');
select tests.act_as('acme_owner');
select lives_ok($$update public.organization_settings set public_booking_allows_anonymous = false where organization_id = tests.org_id('acme')$$,
  'settings: the owner stops anonymous bookings');
select tests.act_as('guest', true);
select throws_ok(
  format($$select public.book_individual_session(%L, %L, tests.slot(2, '10:00'), null, 'trial')$$, tests.ref('physio'), tests.uid('acme_provider')),
  'PT403', 'FORBIDDEN', 'anonymous: an anonymous client can no longer book at all');
select is(
  (select count(*)::int from public.bookings where client_id = tests.uid('guest') and status = 'confirmed'),
  3, 'anonymous: their bookings made while it was allowed stay');
select tests.act_as('acme_owner');
select lives_ok(
  format($$select public.book_individual_session(%L, %L, tests.slot(2, '10:00'), null, 'regular', %L)$$,
         tests.ref('physio'), tests.uid('acme_provider'), tests.uid('guest')),
  'anonymous: staff still book for such a client (the rule is about anonymous sign-ins booking for themselves)');

-- the rule home: the page's rule is one rule among the others ----------------------------------------------------
select tests.clear_authentication();
select results_eq(
  $$select f.n, f.rule, f.code, f.hint
    from private.booking_rule_failures(array[
      private.new_candidate(purpose => 'search', organization_id => tests.org_id('acme'), service_id => tests.ref('internal'),
                            provider_id => tests.uid('acme_provider'), public_page => true, n => 1,
                            session_type_id => (select session_type_id from public.services where id = tests.ref('internal'))),
      private.new_candidate(purpose => 'search', organization_id => tests.org_id('acme'), service_id => tests.ref('physio'),
                            provider_id => tests.uid('acme_provider2'), public_page => true, n => 2,
                            session_type_id => (select session_type_id from public.services where id = tests.ref('physio'))),
      private.new_candidate(purpose => 'search', organization_id => tests.org_id('acme'), service_id => tests.ref('internal'),
                            provider_id => tests.uid('acme_provider'), n => 3,
                            session_type_id => (select session_type_id from public.services where id = tests.ref('internal')))
    ], false) as f order by f.n$$,
  $$values (1, 'public_listing'::text, 'NOT_FOUND'::text, 'service_id'::text), (2, 'public_listing', 'NOT_FOUND', 'provider_id')$$,
  'rule home: public_listing refuses the page''s candidates of an unlisted service or provider, and leaves the members'' alone');

-- unpublishing ------------------------------------------------------------------------------------------------
select tests.act_as('acme_owner');
select lives_ok($$update public.organization_settings set public_booking_enabled = false where organization_id = tests.org_id('acme')$$,
  'settings: the owner unpublishes the page');
select tests.authenticate_as_anon();
select throws_ok($$select public.get_public_booking_page('acme')$$, 'PT404', 'NOT_FOUND',
  'unpublished: the page is gone');
select throws_ok(
  format($$select * from public.get_public_available_slots(%L, %L, current_date, current_date)$$, tests.uid('acme_provider'), tests.ref('physio')),
  'PT404', 'NOT_FOUND', 'unpublished: its slots too');
select tests.act_as('visitor2');
select throws_ok(
  format($$select public.book_public_slot(%L, %L, tests.slot(3, '09:00'))$$, tests.ref('physio'), tests.uid('acme_provider')),
  'PT404', 'NOT_FOUND', 'unpublished: and booking from it');

select * from finish();
rollback;
