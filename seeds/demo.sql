-- Demo data: two organizations with members of every role, session types (one default set by
-- hand, one set automatically), services and packages. Idempotent: fixed ids, on conflict do
-- nothing. Runs as postgres after all migrations; sign-in password of every demo user: demo-password.
--
--   Praxis Physio Mitte  (physio-mitte, Europe/Berlin)   Riverside Driving School (riverside-driving, America/New_York)
--   owner    anna@physio-mitte.demo                       owner    olivia@riverside-driving.demo
--   admin    ben@physio-mitte.demo                        admin    omar@riverside-driving.demo
--   provider carla@physio-mitte.demo, david@…             provider pete@riverside-driving.demo
--   client   emma@physio-mitte.demo, lena@demo.example    client   quinn@riverside-driving.demo, lena@demo.example
--
-- lena@demo.example is a client of both organizations: she sees each one's session types and
-- services, and nothing of anyone else's bookings or subscriptions.

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
select '00000000-0000-0000-0000-000000000000'::uuid, u.id, 'authenticated', 'authenticated', u.email,
       extensions.crypt('demo-password', extensions.gen_salt('bf')), now(),
       '{"provider": "email", "providers": ["email"]}'::jsonb,
       jsonb_build_object('name', u.name)
from (values
  ('10000000-0000-4000-8000-000000000001'::uuid, 'anna@physio-mitte.demo', 'Anna Weber'),
  ('10000000-0000-4000-8000-000000000002'::uuid, 'ben@physio-mitte.demo', 'Ben Schulz'),
  ('10000000-0000-4000-8000-000000000003'::uuid, 'carla@physio-mitte.demo', 'Carla Neumann'),
  ('10000000-0000-4000-8000-000000000004'::uuid, 'david@physio-mitte.demo', 'David Fischer'),
  ('10000000-0000-4000-8000-000000000005'::uuid, 'emma@physio-mitte.demo', 'Emma Koch'),
  ('10000000-0000-4000-8000-000000000006'::uuid, 'lena@demo.example', 'Lena Hoffmann'),
  ('10000000-0000-4000-8000-000000000011'::uuid, 'olivia@riverside-driving.demo', 'Olivia Parker'),
  ('10000000-0000-4000-8000-000000000012'::uuid, 'omar@riverside-driving.demo', 'Omar Haddad'),
  ('10000000-0000-4000-8000-000000000013'::uuid, 'pete@riverside-driving.demo', 'Pete Morales'),
  ('10000000-0000-4000-8000-000000000014'::uuid, 'quinn@riverside-driving.demo', 'Quinn Taylor')
) as u (id, email, name)
on conflict do nothing;

-- Public booking (issue 14): a visitor of the clinic's booking page who signed in anonymously
-- (Supabase signInAnonymously(): no email, no password, is_anonymous; the JWT says so too)
insert into auth.users (instance_id, id, aud, role, is_anonymous, raw_app_meta_data, raw_user_meta_data)
values ('00000000-0000-0000-0000-000000000000', '10000000-0000-4000-8000-000000000021', 'authenticated',
        'authenticated', true, '{}'::jsonb, '{"name": "anonymous visitor"}'::jsonb)
on conflict do nothing;

insert into public.organizations (id, name, slug, timezone, created_by)
values
  ('20000000-0000-4000-8000-000000000001', 'Praxis Physio Mitte', 'physio-mitte', 'Europe/Berlin',
   '10000000-0000-4000-8000-000000000001'),
  ('20000000-0000-4000-8000-000000000002', 'Riverside Driving School', 'riverside-driving', 'America/New_York',
   '10000000-0000-4000-8000-000000000011')
on conflict do nothing;

-- every demo member has accepted their invitation (the owners created their organizations)
insert into public.organization_members (organization_id, user_id, role, display_name, status)
values
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'owner', 'Anna Weber', 'accepted'),
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'admin', 'Ben Schulz', 'accepted'),
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'provider', 'Carla Neumann, PT', 'accepted'),
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000004', 'provider', 'David Fischer, PT', 'accepted'),
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000005', 'client', 'Emma Koch', 'accepted'),
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000006', 'client', 'Lena Hoffmann', 'accepted'),
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000011', 'owner', 'Olivia Parker', 'accepted'),
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000012', 'admin', 'Omar Haddad', 'accepted'),
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000013', 'provider', 'Pete Morales', 'accepted'),
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000014', 'client', 'Quinn Taylor', 'accepted'),
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000006', 'client', 'Lena H.', 'accepted')
on conflict do nothing;

insert into public.organization_settings
  (organization_id, cancellation_notice_hours, note_lock_hours, recording_retention_days, recurring_default_time, requires_subscription)
values
  ('20000000-0000-4000-8000-000000000001', 24, 48, 90, '08:30', false),
  ('20000000-0000-4000-8000-000000000002', 48, 24, null, '16:00', true)
on conflict do nothing;

-- Physio: three active types (no automatic default), one retired type.
insert into public.session_types (id, organization_id, user_id, name, description, category, duration_minutes, is_active, sort_order)
values
  ('30000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002',
   'Initial Assessment', 'First visit: history, examination and treatment plan.', 'assessment', 60, true, 10),
  ('30000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002',
   'Follow-up Treatment', 'Standard treatment session.', 'treatment', 30, true, 20),
  ('30000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002',
   'Extended Treatment', 'Double session for complex cases.', 'treatment', 90, true, 30),
  ('30000000-0000-4000-8000-000000000004', '20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002',
   'Sports Massage', 'No longer offered (soft-deleted).', 'massage', 45, false, 40)
on conflict do nothing;

-- ... whose default is chosen by hand (set_default_session_type does the same for an admin).
update public.organization_settings
set default_session_type_id = '30000000-0000-4000-8000-000000000002'
where organization_id = '20000000-0000-4000-8000-000000000001'
  and default_session_type_id is null;

-- Driving school: exactly one active type, so it became the default automatically.
insert into public.session_types (id, organization_id, user_id, name, description, category, duration_minutes, is_active, sort_order)
values
  ('30000000-0000-4000-8000-000000000011', '20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000012',
   'Driving Lesson', 'One lesson behind the wheel with an instructor.', 'lesson', 50, true, 10),
  ('30000000-0000-4000-8000-000000000012', '20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000012',
   'Highway Lesson', 'Paused for the winter.', 'lesson', 120, false, 20)
on conflict do nothing;

insert into public.services (id, organization_id, provider_id, name, description, price, currency, capacity)
values
  ('40000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', null,
   'Physiotherapy', 'One-to-one physiotherapy with any of our therapists.', 65.00, 'EUR', 1),
  ('40000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003',
   'Back School Workshop', 'Group class for a healthy back.', 25.00, 'EUR', 8),
  ('40000000-0000-4000-8000-000000000011', '20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000013',
   'Driving Lesson', 'Individual lesson, pick-up included.', 70.00, 'USD', 1),
  ('40000000-0000-4000-8000-000000000012', '20000000-0000-4000-8000-000000000002', null,
   'Defensive Driving Course', 'Classroom course, six participants per session.', 120.00, 'USD', 6)
on conflict do nothing;

insert into public.packages
  (id, organization_id, provider_id, name, description, session_count, price, currency, discount_percentage, valid_for_days)
values
  ('50000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', null,
   '10 x Physiotherapy', 'Ten treatment sessions, valid for six months.', 10, 585.00, 'EUR', 10, 180),
  ('50000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', null,
   '5 x Physiotherapy', 'Five treatment sessions, valid for three months.', 5, 308.75, 'EUR', 5, 90),
  ('50000000-0000-4000-8000-000000000011', '20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000013',
   'Beginner Bundle', 'Ten driving lessons with Pete.', 10, 630.00, 'USD', 10, 365),
  ('50000000-0000-4000-8000-000000000012', '20000000-0000-4000-8000-000000000002', null,
   'Test Prep', 'Three lessons before the road test.', 3, 199.50, 'USD', 5, 60)
on conflict do nothing;

-- Credits (issue 5): Emma holds five physiotherapy credits at the clinic (pay-per-session is
-- allowed there, so Lena, without a subscription, pays per session); Quinn bought Test Prep at
-- the driving school, which requires a subscription to book.
insert into public.subscriptions (id, organization_id, client_id, package_id, status, total_sessions, starts_at, expires_at)
values
  ('60000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000005',
   '50000000-0000-4000-8000-000000000002', 'active', 5, now() - interval '10 days', now() + interval '80 days'),
  ('60000000-0000-4000-8000-000000000011', '20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000014',
   '50000000-0000-4000-8000-000000000012', 'active', 3, now() - interval '5 days', now() + interval '55 days')
on conflict do nothing;

-- Recurring bookings and treatments (issue 6): David works Monday to Friday 08:00-18:00 (Berlin)
-- and runs the clinic's six-session knee rehabilitation programme (sequential: the next session
-- is booked once the previous one is completed, at least a week apart). The demo sets up a
-- weekly series and a treatment live (`sessionkit demo`, rolled back).
insert into public.availability_rules (id, organization_id, provider_id, weekday, start_time, end_time)
select ('e6000000-0000-4000-8000-00000000000' || d)::uuid, '20000000-0000-4000-8000-000000000001',
       '10000000-0000-4000-8000-000000000004', d, '08:00', '18:00'
from generate_series(1, 5) as d
on conflict do nothing;

insert into public.services
  (id, organization_id, provider_id, name, description, price, currency, capacity, session_type_id,
   requires_multiple_sessions, total_sessions_required, multi_session_strategy, session_buffer_config)
values
  ('e6000000-0000-4000-8000-000000000101', '20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000004',
   'Knee Rehab Programme', 'Six sessions after knee surgery, one a week, each booked after the previous one.',
   60.00, 'EUR', 1, '30000000-0000-4000-8000-000000000002', true, 6, 'sequential', '{"default_days": 7}')
on conflict do nothing;

-- the programme names its sessions (issue 14: preview, progress, bookings and events show them)
update public.services
set session_labels = array['Assessment & Plan', 'Mobility I', 'Mobility II', 'Strength I', 'Strength II', 'Return to Activity']
where id = 'e6000000-0000-4000-8000-000000000101' and session_labels is null;
