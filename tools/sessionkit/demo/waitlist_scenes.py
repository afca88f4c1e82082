"""Demo scenes of issue 14: a waitlist promotion, a closure, a slot step and a limit per client."""

from __future__ import annotations

from sessionkit.demo.engine import Scene, Step

ANNA = "anna@physio-mitte.demo"  # owner, Praxis Physio Mitte (Berlin)
BEN = "ben@physio-mitte.demo"  # admin
EMMA = "emma@physio-mitte.demo"  # client
LENA = "lena@demo.example"  # client
CARLA = "10000000-0000-4000-8000-000000000003"  # provider
PHYSIO = "40000000-0000-4000-8000-000000000001"
BACK_SCHOOL = "40000000-0000-4000-8000-000000000002"
PHYSIO_MITTE = "20000000-0000-4000-8000-000000000001"
NEXT_MONDAY = "date_trunc('week', current_date + 7)::date"
BERLIN = "'Europe/Berlin'"
# the one-place Back School Workshop Ben schedules in the waitlist scene (the scene is rolled back)
SMALL_CLASS = f"""(select ss.id from public.service_sessions ss
  where ss.service_id = '{BACK_SCHOOL}' and ss.max_participants = 1 order by ss.created_at desc limit 1)"""
LOCAL = "to_char({0} at time zone 'Europe/Berlin', 'Dy DD Mon HH24:MI')"

WAITLIST = Scene(
    "A waitlist: the freed place goes to the first in line, in the same transaction",
    "Ben schedules a Back School Workshop with a single place and Emma takes it. Lena finds it full"
    " and joins the waitlist. When Emma cancels, the database books Lena in the very transaction of"
    " the cancellation - under every booking rule, credits included - and tells her through the"
    " outbox (waitlist.promoted). A client who could no longer be booked would be skipped with the"
    " reason and the next one tried.",
    (
        Step(
            BEN,
            "schedules a one-place Back School Workshop with Carla next Tuesday 17:00",
            f"""select {LOCAL.format("ss.starts_at")} as starts, ss.max_participants as places
                from public.create_service_session('{BACK_SCHOOL}', '{CARLA}',
                       ({NEXT_MONDAY} + 1 + time '17:00') at time zone {BERLIN},
                       p_max_participants => 1) ss""",
        ),
        Step(EMMA, "books the place", f"select b.status from public.book_session({SMALL_CLASS}) b"),
        Step(LENA, "tries to book it too", f"select id from public.book_session({SMALL_CLASS})"),
        Step(
            LENA,
            "joins the waitlist",
            f"""select r ->> 'status' as status, r ->> 'position' as position, r ->> 'waiting' as waiting
                from public.join_waitlist({SMALL_CLASS}) r""",
        ),
        Step(
            BEN,
            "reads the waitlist (staff see everyone waiting)",
            f"""select m.display_name as client, w.position, w.booking_kind
                from public.get_waitlist({SMALL_CLASS}) w
                join public.organization_members m
                  on m.user_id = w.client_id and m.organization_id = '{PHYSIO_MITTE}'""",
        ),
        Step(
            EMMA,
            "cancels her place",
            f"""select r ->> 'cancellation_policy_applied' as policy
                from public.cancel_booking((select b.id from public.bookings b
                  where b.service_session_id = {SMALL_CLASS} and b.status = 'confirmed'),
                  'Cannot make it') r""",
        ),
        Step(
            LENA,
            "reads her booking and her waitlist entry: she was booked when Emma cancelled",
            f"""select b.status as booking, {LOCAL.format("b.start_time")} as starts,
                       e.status as waitlist_entry,
                       (select h.reason from public.booking_status_history h
                        where h.booking_id = b.id) as history
                from public.waitlist_entries e join public.bookings b on b.id = e.booking_id
                where e.service_session_id = {SMALL_CLASS}""",
        ),
        Step(
            "service_role",
            "reads the outbox: what the notification workers will send",
            f"""select topic, payload ->> 'client_id' = '10000000-0000-4000-8000-000000000006' as for_lena
                from public.outbox_events
                where payload ->> 'service_session_id' = {SMALL_CLASS}::text
                  and topic in ('waitlist.joined', 'booking.cancelled', 'waitlist.promoted')
                order by id""",
        ),
    ),
)

CLOSURES_AND_LIMITS = Scene(
    "Closures, slot steps and booking limits",
    "Anna closes the whole clinic next Monday: no therapist can be booked or scheduled then, and"
    " slot search offers nothing. Ben offers physiotherapy every 15 minutes instead of every 30, and"
    " allows each client at most two physiotherapy sessions a week (the clinic's time zone).",
    (
        Step(
            ANNA,
            "closes the clinic for next Monday (a local date)",
            f"""select {LOCAL.format("c.starts_at")} as closed_from,
                       {LOCAL.format("c.ends_at")} as until, c.reason
                from public.create_organization_closure('{PHYSIO_MITTE}', 'Staff training day',
                       p_date => {NEXT_MONDAY}) c""",
        ),
        Step(
            EMMA,
            "searches Carla's slots next Monday",
            f"""select starts_at
                from public.get_available_slots('{CARLA}', '{PHYSIO}', {NEXT_MONDAY}, {NEXT_MONDAY})""",
        ),
        Step(
            EMMA,
            "tries to book Monday 10:00 anyway",
            f"""select id from public.book_individual_session('{PHYSIO}', '{CARLA}',
                   ({NEXT_MONDAY} + time '10:00') at time zone {BERLIN})""",
        ),
        Step(
            BEN,
            "offers physiotherapy every 15 minutes and at most twice a week per client",
            f"""update public.services
                set slot_step_minutes = 15,
                    max_bookings_per_client = 2, max_bookings_per_client_period = 'week'
                where id = '{PHYSIO}'""",
        ),
        Step(
            EMMA,
            "searches Tuesday morning: 30-minute sessions starting every 15 minutes",
            f"""select {LOCAL.format("starts_at")} as starts,
                       to_char(ends_at at time zone 'Europe/Berlin', 'HH24:MI') as ends
                from public.get_available_slots('{CARLA}', '{PHYSIO}', {NEXT_MONDAY} + 1, {NEXT_MONDAY} + 1)
                limit 5""",
        ),
        Step(
            EMMA,
            "books Tuesday 08:15 (she already has Monday 09:00 with Carla: two this week)",
            f"""select b.status, {LOCAL.format("b.start_time")} as starts
                from public.book_individual_session('{PHYSIO}', '{CARLA}',
                       ({NEXT_MONDAY} + 1 + time '08:15') at time zone {BERLIN}) b""",
        ),
        Step(
            EMMA,
            "tries a third one on Wednesday",
            f"""select id from public.book_individual_session('{PHYSIO}', '{CARLA}',
                   ({NEXT_MONDAY} + 2 + time '10:00') at time zone {BERLIN})""",
        ),
    ),
)
