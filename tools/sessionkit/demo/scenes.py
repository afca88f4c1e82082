"""The walkthrough `make demo` ends with, on the data of seeds/demo.sql."""

from __future__ import annotations

from sessionkit.demo.engine import Scene, Step
from sessionkit.demo.waitlist_scenes import CLOSURES_AND_LIMITS, WAITLIST

ANNA = "anna@physio-mitte.demo"  # owner, Praxis Physio Mitte (Berlin)
BEN = "ben@physio-mitte.demo"  # admin, Praxis Physio Mitte
EMMA = "emma@physio-mitte.demo"  # client, Praxis Physio Mitte
LENA = "lena@demo.example"  # client of both organizations
QUINN = "quinn@riverside-driving.demo"  # client, Riverside Driving School (New York)

SESSION_TYPES = """
select o.name as organization, st.name as session_type, st.duration_minutes as minutes,
       case when s.default_session_type_id = st.id then 'default' else '' end as "default",
       case when st.is_active then 'active' else 'retired' end as state
from public.session_types st
join public.organizations o on o.id = st.organization_id
left join public.organization_settings s on s.organization_id = st.organization_id
order by o.name, st.sort_order, st.name
"""

CREDITS = """
select p.name as package, b.total, b.completed, b.scheduled, b.forfeited, b.remaining
from public.subscription_balances b
join public.packages p on p.id = b.package_id
order by b.starts_at
"""

# the Back School Workshop session scheduled in the credits scene (the scene is rolled back)
LATEST_WORKSHOP = """(
  select ss.id from public.service_sessions ss
  where ss.service_id = '40000000-0000-4000-8000-000000000002'
  order by ss.created_at desc limit 1)"""

CARLA = "10000000-0000-4000-8000-000000000003"
PHYSIO = "40000000-0000-4000-8000-000000000001"
NEXT_MONDAY = "date_trunc('week', current_date + 7)::date"
# Emma's booking made in this scene (the scene is rolled back)
EMMAS_LATEST = """(select b.id from public.bookings b
  where b.client_id = '10000000-0000-4000-8000-000000000005' order by b.created_at desc limit 1)"""

OLIVIA = "olivia@riverside-driving.demo"  # owner, Riverside Driving School (New York)
CARLA_EMAIL = "carla@physio-mitte.demo"  # provider, Praxis Physio Mitte
COURSE = "40000000-0000-4000-8000-000000000012"  # Riverside's Defensive Driving Course
RIVERSIDE = "(select id from public.organizations where slug = 'riverside-driving')"

INVITATIONS = Scene(
    "Invitations: one person, one calendar",
    "Carla's time is one calendar across every organization, so only organizations she agreed to"
    " join may put anything on it. Adding her to Riverside is an invitation: until she accepts it,"
    " Riverside can neither schedule her nor show her in a slot search - and she can decline.",
    (
        Step(
            OLIVIA,
            "invites Carla to Riverside as a provider",
            f"""
            select role, status
            from public.add_organization_member({RIVERSIDE}, '{CARLA}', 'provider')""",
        ),
        Step(
            OLIVIA,
            "tries to schedule a course session with Carla before she answers",
            f"""select id from public.create_service_session('{COURSE}', '{CARLA}',
                   ({NEXT_MONDAY} + time '18:00') at time zone 'America/New_York')""",
        ),
        Step(
            CARLA_EMAIL,
            "reads her memberships and invitations",
            """
            select o.name as organization, m.role, m.status
            from public.organization_members m
            join public.organizations o on o.id = m.organization_id
            where m.user_id = auth.uid()
            order by m.status, o.name""",
        ),
        Step(
            CARLA_EMAIL,
            "declines: Riverside never gets her time",
            f"select r ->> 'message' as result from public.decline_invitation({RIVERSIDE}) r",
        ),
    ),
)

SCHEDULING = Scene(
    "Scheduling: find a slot, book it, cancel it",
    "Slots come from the database: Carla's weekly hours (08:00-16:00 Berlin) minus her training"
    " (12:00-13:00) minus sessions already booked, with the service's 10-minute buffer after"
    " each session. Booking re-checks all of it; cancelling records who, why and which credit"
    " policy applied, and the seed's error cases come back as contract codes.",
    (
        Step(
            EMMA,
            "searches Carla's free 30-minute physiotherapy slots next Monday",
            f"""
            select to_char(starts_at at time zone 'Europe/Berlin', 'Dy DD Mon HH24:MI') as starts,
                   to_char(ends_at at time zone 'Europe/Berlin', 'HH24:MI') as ends
            from public.get_available_slots('{CARLA}', '{PHYSIO}', {NEXT_MONDAY}, {NEXT_MONDAY})""",
        ),
        Step(
            EMMA,
            "books 10:00 (a private 1-to-1 service session is created with the booking)",
            f"""
            select b.status, b.booking_kind, b.price,
                   to_char(b.start_time at time zone 'Europe/Berlin', 'Dy HH24:MI') as starts
            from public.book_individual_session('{PHYSIO}', '{CARLA}',
                   ({NEXT_MONDAY} + time '10:00') at time zone 'Europe/Berlin') b""",
        ),
        Step(
            LENA,
            "tries the same slot",
            f"""select id from public.book_individual_session('{PHYSIO}', '{CARLA}',
                   ({NEXT_MONDAY} + time '10:00') at time zone 'Europe/Berlin')""",
        ),
        Step(
            LENA,
            "tries 12:00, during Carla's training",
            f"""select id from public.book_individual_session('{PHYSIO}', '{CARLA}',
                   ({NEXT_MONDAY} + time '12:00') at time zone 'Europe/Berlin')""",
        ),
        Step(
            EMMA,
            "reads her new booking with its service session embedded (what PostgREST's embed returns)",
            f"""select ss.kind, ss.visibility, ss.max_participants, ss.current_participants,
                   to_char(public.computed_start_time(b) at time zone 'Europe/Berlin', 'Dy HH24:MI') as starts
                from public.bookings b join public.service_sessions ss on ss.id = b.service_session_id
                where b.id = {EMMAS_LATEST}""",
        ),
        Step(
            LENA,
            "tries to cancel Emma's workshop booking",
            "select public.cancel_booking('90000000-0000-4000-8000-000000000001', 'Not mine')",
        ),
        Step(
            EMMA,
            "cancels it",
            f"""select r ->> 'cancellation_policy_applied' as policy, r ->> 'message' as message
                from public.cancel_booking({EMMAS_LATEST}, 'Feeling better') r""",
        ),
        Step(EMMA, "cancels it again", f"select public.cancel_booking({EMMAS_LATEST}, 'Twice')"),
        Step(
            LENA,
            "tries to cancel last week's completed session",
            "select public.cancel_booking('90000000-0000-4000-8000-000000000004', 'Too late')",
        ),
        Step(
            EMMA,
            "reads the history of her cancelled booking",
            f"""select coalesce(from_status, '—') as from_status, to_status, coalesce(reason, '') as reason
                from public.booking_status_history where booking_id = {EMMAS_LATEST} order by id""",
        ),
    ),
)


DAVID = "david@physio-mitte.demo"  # provider, Praxis Physio Mitte
DAVID_ID = "10000000-0000-4000-8000-000000000004"
KNEE_REHAB = "e6000000-0000-4000-8000-000000000101"
# Lena's knee rehab treatment started in this scene (the scene is rolled back)
LENAS_TREATMENT = """(select b.session_group_id from public.bookings b
  where b.client_id = '10000000-0000-4000-8000-000000000006' and b.session_group_id is not null
  order by b.created_at desc limit 1)"""

RECURRING_AND_TREATMENTS = Scene(
    "Recurring bookings and a multi-session treatment",
    "Emma sees David every Monday: a recurring series at the clinic's default time (08:30 Berlin,"
    " whatever the DST). The nightly pg_cron job books each occurrence through the same rules and"
    " credits as a booking by hand, exactly once; an occurrence that cannot be booked (here: no"
    " credits left) is reported and announced in the outbox, and never stops the others."
    " Lena starts a six-session knee rehab programme:"
    " sequential, so completing a session writes treatment.next_session_due to the outbox in the"
    " same transaction, and her progress is computed from her bookings.",
    (
        Step(
            EMMA,
            "sets up a weekly series with David for the next two months",
            f"""
            select frequency, start_date, end_date, local_time, timezone, next_booking_date
            from public.create_recurring_booking('{PHYSIO}', '{DAVID_ID}', 'weekly',
                   {NEXT_MONDAY}, {NEXT_MONDAY} + 56)""",
        ),
        Step(
            "service_role",
            "runs the dispatcher for the next four weeks (pg_cron runs it nightly; operators catch up"
            " with `sessionkit recurring dispatch --date`)",
            """
            select r ->> 'message' as message,
                   (select string_agg((e ->> 'occurrence_date') || ': ' || (e ->> 'error'), ', ')
                    from jsonb_array_elements(r -> 'errors') e) as failed
            from public.dispatch_recurring_bookings(current_date + 28) r""",
        ),
        Step(
            EMMA,
            "reads her recurring bookings: Mondays 08:30 Berlin, paid with her credits",
            """
            select b.recurring_occurrence_date as occurrence,
                   to_char(b.start_time at time zone 'Europe/Berlin', 'Dy DD Mon HH24:MI') as starts,
                   b.status,
                   case when b.subscription_id is null then 'pay-per-session' else 'credit' end as paid
            from public.bookings b where b.recurring_booking_id is not null order by b.start_time""",
        ),
        Step(
            "service_role",
            "runs it again for the same date: nothing is booked twice",
            "select r ->> 'message' as message from public.dispatch_recurring_bookings(current_date + 28) r",
        ),
        Step(
            BEN,
            "previews the knee rehab programme for a start next Tuesday at 09:00",
            f"""
            select session_number, session_label,
                   to_char(starts_at at time zone 'Europe/Berlin', 'Dy DD Mon HH24:MI') as starts
            from public.preview_treatment_schedule('{KNEE_REHAB}',
                   ({NEXT_MONDAY} + 1 + time '09:00') at time zone 'Europe/Berlin')""",
        ),
        Step(
            LENA,
            "starts the programme: sequential, so session 1 of 6 is booked",
            f"""
            select r ->> 'strategy' as strategy, jsonb_array_length(r -> 'bookings') as booked_now,
                   r ->> 'progress' as progress
            from public.book_treatment('{KNEE_REHAB}', '{DAVID_ID}',
                   ({NEXT_MONDAY} + 1 + time '09:00') at time zone 'Europe/Berlin') r""",
        ),
        Step(
            LENA,
            "tries to book session 2 straight away",
            f"select public.book_next_treatment_session({LENAS_TREATMENT}, now() + interval '20 days')",
        ),
        Step(
            "service_role",
            "(time passes: session 1 has taken place)",
            f"""
            update public.service_sessions ss
            set starts_at = date_trunc('hour', now()) - interval '3 hours',
                ends_at = date_trunc('hour', now()) - interval '150 minutes'
            where ss.id = (select b.service_session_id from public.bookings b
                           where b.session_group_id = {LENAS_TREATMENT})""",
        ),
        Step(
            DAVID,
            "marks session 1 completed",
            f"""
            select b.session_number, b.status
            from public.complete_booking((select b.id from public.bookings b
                                          where b.session_group_id = {LENAS_TREATMENT})) b""",
        ),
        Step(
            "service_role",
            "reads the outbox: the notification was written in the same transaction",
            """
            select topic, payload ->> 'next_session_number' as next_session,
                   payload ->> 'earliest_date' as earliest, payload ->> 'message' as message
            from public.outbox_events where topic = 'treatment.next_session_due' order by id""",
        ),
        Step(
            LENA,
            "reads her progress (computed, never stored)",
            f"""
            select p ->> 'completed' as completed, p ->> 'remaining' as remaining,
                   p ->> 'next_session_label' as next, p ->> 'message' as message
            from public.treatment_progress({LENAS_TREATMENT}) p""",
        ),
        Step(
            BEN,
            "reads the treatments dashboard",
            """
            select o.name as organization, t.total_treatments, t.active_treatments,
                   t.completed_treatments, t.completion_rate
            from public.treatment_stats t join public.organizations o on o.id = t.organization_id""",
        ),
    ),
)


# Emma's series set up in the series scene (the scene is rolled back)
EMMAS_SERIES = """(select r.id from public.recurring_bookings r
  where r.user_id = '10000000-0000-4000-8000-000000000005' order by r.created_at desc limit 1)"""
SERIES_SCHEDULE = f"""
select occurrence_date as occurrence, state,
       to_char(starts_at at time zone 'Europe/Berlin', 'Dy DD Mon HH24:MI') as starts,
       held, coalesce(error_code, reason) as note
from public.get_series_schedule({EMMAS_SERIES}, 4, {NEXT_MONDAY})"""

SERIES_EDITS = Scene(
    "A series Emma can edit",
    "Emma's standing Monday appointment is hers to edit: she skips the Monday she is away (the"
    " slot is released at once, the dispatcher will not book it), moves another to a Wednesday"
    " (checked under every booking rule; the new time is held, the old one freed) and reads her"
    " schedule, where each occurrence says what it is: booked, skipped, moved, held - or failed,"
    " with the dispatcher's code.",
    (
        Step(
            EMMA,
            "sets up a weekly series with David for four Mondays",
            f"""
            select frequency, start_date, end_date, local_time, timezone
            from public.create_recurring_booking('{PHYSIO}', '{DAVID_ID}', 'weekly',
                   {NEXT_MONDAY}, {NEXT_MONDAY} + 21)""",
        ),
        Step(
            EMMA,
            "skips the second Monday (she is away)",
            f"""
            select s ->> 'occurrence_date' as occurrence, s ->> 'state' as state, s ->> 'held' as held
            from public.skip_recurring_occurrence({EMMAS_SERIES}, {NEXT_MONDAY} + 7,
                   'Holiday in the mountains') s""",
        ),
        Step(
            EMMA,
            "moves the third to the Wednesday at 17:00",
            f"""
            select s ->> 'occurrence_date' as occurrence, s ->> 'state' as state, s ->> 'held' as held,
                   to_char((s ->> 'starts_at')::timestamptz at time zone 'Europe/Berlin', 'Dy DD Mon HH24:MI')
                     as starts
            from public.move_recurring_occurrence({EMMAS_SERIES}, {NEXT_MONDAY} + 14,
                   ({NEXT_MONDAY} + 16 + time '17:00') at time zone 'Europe/Berlin') s""",
        ),
        Step(
            LENA,
            "looks for a morning slot with David on the skipped Monday: 08:30 is free again",
            f"""
            select to_char(starts_at at time zone 'Europe/Berlin', 'Dy DD Mon HH24:MI') as starts
            from public.get_available_slots('{DAVID_ID}', '{PHYSIO}', {NEXT_MONDAY} + 7, {NEXT_MONDAY} + 7)
            where (starts_at at time zone 'Europe/Berlin')::time < '10:00'""",
        ),
        Step(
            "service_role",
            "runs the dispatcher for the next four weeks",
            """
            select r ->> 'message' as message, r ->> 'skipped_on_request' as skipped_on_request,
                   r ->> 'moved' as moved
            from public.dispatch_recurring_bookings(current_date + 28) r""",
        ),
        Step(EMMA, "reads her schedule", SERIES_SCHEDULE),
    ),
)


SCENES: list[Scene] = [
    Scene(
        "Two organizations, every role",
        "A physiotherapy clinic in Berlin and a driving school in New York share one database;"
        " row level security keeps them apart. service_role (the backend) sees everything.",
        (
            Step(
                "service_role",
                "lists organizations and their members by role",
                """
                select o.name, o.slug, o.timezone,
                       string_agg(m.role || ': ' || coalesce(m.display_name, '?'), ', '
                                  order by array_position(array['owner','admin','provider','client'], m.role))
                         as members
                from public.organizations o
                join public.organization_members m on m.organization_id = o.id
                group by o.id order by o.name""",
            ),
        ),
    ),
    Scene(
        "Session types, with each organization's default",
        "Session types replace the legacy free-text package durations. An organization with"
        " exactly one active type gets it as default automatically; the clinic chose its own.",
        (Step("service_role", "lists every session type", SESSION_TYPES),),
    ),
    Scene(
        "Who sees what",
        "Lena is a client of both organizations, Quinn only of the driving school, and an"
        " anonymous visitor of none: the same query returns three different answers.",
        (
            Step(LENA, "reads session types", SESSION_TYPES),
            Step(QUINN, "reads session types", SESSION_TYPES),
            Step("anon", "reads session types", SESSION_TYPES),
        ),
    ),
    Scene(
        "Roles decide who may change things",
        "A client can read the clinic's session types but not change them; the admin can."
        " Errors carry the contract's code and the SQLSTATE PostgREST maps to HTTP."
        " (Every scene is rolled back: the demo data stays as seeded.)",
        (
            Step(
                EMMA,
                "tries to rename a session type (RLS filters the row out)",
                """
                update public.session_types set name = 'Mine now'
                where organization_id = (select id from public.organizations where slug = 'physio-mitte')""",
            ),
            Step(
                EMMA,
                "tries to change the default session type",
                """
                select public.set_default_session_type(
                  (select id from public.organizations where slug = 'physio-mitte'),
                  (select id from public.session_types where name ilike '%30%' limit 1))""",
            ),
            Step(
                BEN,
                "makes the 60-minute Initial Assessment the default",
                """
                select 'default set' as result
                from public.set_default_session_type(
                  (select id from public.organizations where slug = 'physio-mitte'),
                  (select st.id from public.session_types st
                   join public.organizations o on o.id = st.organization_id
                   where o.slug = 'physio-mitte' and st.name = 'Initial Assessment'))""",
            ),
            Step(BEN, "reads the defaults again", SESSION_TYPES),
            Step(
                ANNA,
                "creates a new organization: she becomes its owner",
                """
                select name, slug, timezone
                from public.create_organization('Anna''s Second Studio', 'anna-studio', 'Europe/Berlin')""",
            ),
            Step(
                ANNA,
                "reads the session types seeded for the new studio",
                """
                select st.name, st.duration_minutes as minutes
                from public.session_types st
                join public.organizations o on o.id = st.organization_id
                where o.slug = 'anna-studio' order by st.sort_order""",
            ),
        ),
    ),
    INVITATIONS,
    SCHEDULING,
    Scene(
        "Credits: a balance before and after a booking and a cancellation",
        "Emma bought five physiotherapy sessions. Booking spends one credit, chosen and locked by"
        " the database; cancelling more than 24 hours ahead gives it back to the very subscription"
        " it came from. The balance is computed from bookings, never stored:"
        " completed + scheduled + forfeited + remaining = total.",
        (
            Step(EMMA, "reads her balance", CREDITS),
            Step(
                BEN,
                "schedules a Back School Workshop with Carla next week",
                """
                select s.name as service, ss.starts_at, ss.max_participants as places
                from public.create_service_session(
                  '40000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000003',
                  date_trunc('day', now()) + interval '7 days 10 hours') ss
                join public.services s on s.id = ss.service_id""",
            ),
            Step(
                EMMA,
                "books it: one credit is spent",
                f"""
                select b.status, b.booking_kind, p.name as paid_with
                from public.book_session({LATEST_WORKSHOP}) b
                join public.subscriptions sub on sub.id = b.subscription_id
                join public.packages p on p.id = sub.package_id""",
            ),
            Step(EMMA, "reads her balance again", CREDITS),
            Step(
                LENA,
                "books the same workshop without a subscription: pay-per-session at the list price",
                f"""
                select b.status, coalesce(b.subscription_id::text, 'none') as subscription, b.price
                from public.book_session({LATEST_WORKSHOP}) b""",
            ),
            Step(
                EMMA,
                "cancels a week ahead",
                """
                select r ->> 'cancellation_policy_applied' as policy, r ->> 'message' as message
                from public.cancel_booking(
                  (select b.id from public.bookings b
                   where b.status = 'confirmed' and b.subscription_id is not null
                   order by b.created_at desc limit 1),
                  'Back pain is better, thanks!') r""",
            ),
            Step(EMMA, "reads her balance: the credit is back", CREDITS),
        ),
    ),
    RECURRING_AND_TREATMENTS,
    WAITLIST,
    CLOSURES_AND_LIMITS,
    SERIES_EDITS,
]
