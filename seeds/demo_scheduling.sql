-- Demo data, scheduling (issue 4), loaded after demo.sql: services get their session type and
-- booking rules, providers get weekly hours and exceptions, and next week holds a workshop and a
-- few bookings. Dates are relative to today ("next week" = the Monday after this one), so the
-- walkthrough always has a future to book into. Idempotent: fixed ids, on conflict do nothing.
--
--   Physiotherapy (Praxis Physio Mitte, Europe/Berlin): 30-minute Follow-up Treatment slots,
--     10 minutes buffer after, bookable 2 hours to 60 days ahead, at most 8 per therapist a day.
--   Carla: Mon-Fri 08:00-16:00, a training 12:00-13:00 on next Monday; David: Mon-Thu
--     12:00-20:00, on vacation next Wednesday. Back School Workshop next Thursday 17:00 (8 places).
--   Riverside Driving School (America/New_York): Pete teaches Mon-Sat 09:00-17:00, 50-minute
--     lessons with 10 minutes before for the pick-up.

update public.services
set session_type_id = '30000000-0000-4000-8000-000000000002',
    buffer_after_minutes = 10, min_notice_minutes = 120, max_advance_days = 60, max_bookings_per_day = 8
where id = '40000000-0000-4000-8000-000000000001' and session_type_id is null;

update public.services
set session_type_id = '30000000-0000-4000-8000-000000000003'
where id = '40000000-0000-4000-8000-000000000002' and session_type_id is null;

update public.services
set session_type_id = '30000000-0000-4000-8000-000000000011', buffer_before_minutes = 10, min_notice_minutes = 1440
where id in ('40000000-0000-4000-8000-000000000011', '40000000-0000-4000-8000-000000000012') and session_type_id is null;

insert into public.availability_rules (id, organization_id, provider_id, weekday, start_time, end_time)
select md5('demo-rule:' || r.provider_id || ':' || w)::uuid, r.organization_id, r.provider_id::uuid, w, r.start_time, r.end_time
from (values
  ('20000000-0000-4000-8000-000000000001'::uuid, '10000000-0000-4000-8000-000000000003', time '08:00', time '16:00', array[1, 2, 3, 4, 5]),
  ('20000000-0000-4000-8000-000000000001'::uuid, '10000000-0000-4000-8000-000000000004', time '12:00', time '20:00', array[1, 2, 3, 4]),
  ('20000000-0000-4000-8000-000000000002'::uuid, '10000000-0000-4000-8000-000000000013', time '09:00', time '17:00', array[1, 2, 3, 4, 5, 6])
) as r (organization_id, provider_id, start_time, end_time, weekdays)
cross join lateral unnest(r.weekdays) as w
on conflict do nothing;

insert into public.specialist_availability_exceptions
  (id, organization_id, specialist_id, exception_date, is_available, reason, all_day, start_time, end_time, notes)
values
  ('70000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003',
   date_trunc('week', current_date + 7)::date, false, 'training', false, '12:00', '13:00', 'Manual therapy refresher'),
  ('70000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000004',
   date_trunc('week', current_date + 7)::date + 2, false, 'vacation', true, null, null, null)
on conflict do nothing;

-- next Thursday 17:00 Berlin: Back School Workshop with Carla, Emma and Lena booked in
insert into public.service_sessions
  (id, organization_id, service_id, provider_id, session_type_id, kind, visibility, starts_at, ends_at, max_participants, location)
values
  ('80000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000002',
   '10000000-0000-4000-8000-000000000003', '30000000-0000-4000-8000-000000000003', 'workshop', 'public',
   (date_trunc('week', current_date + 7)::date + 3 + time '17:00') at time zone 'Europe/Berlin',
   (date_trunc('week', current_date + 7)::date + 3 + time '18:30') at time zone 'Europe/Berlin', 8, 'Room 2'),
  -- next Monday 09:00 Berlin: Emma's 1-to-1 with Carla (its private individual session)
  ('80000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001',
   '10000000-0000-4000-8000-000000000003', '30000000-0000-4000-8000-000000000002', 'individual', 'private',
   (date_trunc('week', current_date + 7)::date + time '09:00') at time zone 'Europe/Berlin',
   (date_trunc('week', current_date + 7)::date + time '09:30') at time zone 'Europe/Berlin', 1, 'Room 1'),
  -- last week: Lena's 1-to-1 with David, completed and documented
  ('80000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001',
   '10000000-0000-4000-8000-000000000004', '30000000-0000-4000-8000-000000000002', 'individual', 'private',
   (date_trunc('week', current_date - 7)::date + 1 + time '14:00') at time zone 'Europe/Berlin',
   (date_trunc('week', current_date - 7)::date + 1 + time '14:30') at time zone 'Europe/Berlin', 1, 'Room 3')
on conflict do nothing;

insert into public.bookings
  (id, organization_id, client_id, provider_id, service_id, service_session_id, start_time, end_time, status, booking_kind, price)
select b.id, ss.organization_id, b.client_id, ss.provider_id, ss.service_id, ss.id, ss.starts_at, ss.ends_at, b.status, b.booking_kind, sv.price
from (values
  ('90000000-0000-4000-8000-000000000001'::uuid, '80000000-0000-4000-8000-000000000001'::uuid, '10000000-0000-4000-8000-000000000005'::uuid, 'confirmed', 'regular'),
  ('90000000-0000-4000-8000-000000000002'::uuid, '80000000-0000-4000-8000-000000000001'::uuid, '10000000-0000-4000-8000-000000000006'::uuid, 'confirmed', 'trial'),
  ('90000000-0000-4000-8000-000000000003'::uuid, '80000000-0000-4000-8000-000000000002'::uuid, '10000000-0000-4000-8000-000000000005'::uuid, 'confirmed', 'regular'),
  ('90000000-0000-4000-8000-000000000004'::uuid, '80000000-0000-4000-8000-000000000003'::uuid, '10000000-0000-4000-8000-000000000006'::uuid, 'confirmed', 'regular')
) as b (id, session_id, client_id, status, booking_kind)
join public.service_sessions ss on ss.id = b.session_id
join public.services sv on sv.id = ss.service_id
on conflict do nothing;

update public.bookings set status = 'completed'
where id = '90000000-0000-4000-8000-000000000004' and status = 'confirmed';

insert into public.session_notes (id, booking_id, notes, follow_up_actions, next_session_recommendation, metadata, created_at)
values
  ('a0000000-0000-4000-8000-000000000001', '90000000-0000-4000-8000-000000000004',
   'Lower back pain reduced (VAS 6 -> 4). Mobilisation and core activation.',
   'Daily core exercises, 10 minutes.', 'Weekly for three more weeks.', '{"pain_vas": 4, "engagement": "high"}',
   (date_trunc('week', current_date - 7)::date + 1 + time '15:00') at time zone 'Europe/Berlin')
on conflict do nothing;
