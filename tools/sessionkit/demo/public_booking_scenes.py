"""Demo scenes of issue 14: the clinic's public booking page, and bookings that need approval."""

from __future__ import annotations

from sessionkit.demo.engine import Scene, Step

ANNA = "anna@physio-mitte.demo"  # owner, Praxis Physio Mitte (Berlin)
BEN = "ben@physio-mitte.demo"  # admin
CARLA = "carla@physio-mitte.demo"  # provider
EMMA = "emma@physio-mitte.demo"  # client with five credits
EMMA_ID = "10000000-0000-4000-8000-000000000005"
LENA = "lena@demo.example"  # client, pays per session
LENA_ID = "10000000-0000-4000-8000-000000000006"
QUINN = "quinn@riverside-driving.demo"  # client of the driving school only: a visitor here
VISITOR = "anonymous visitor"  # a Supabase anonymous sign-in (seeds/demo.sql)

CLINIC = "'20000000-0000-4000-8000-000000000001'"
PHYSIO = "'40000000-0000-4000-8000-000000000001'"
CARLA_ID = "'10000000-0000-4000-8000-000000000003'"
TUESDAY = "(date_trunc('week', current_date + 7)::date + 1)"


def at(day: str, time: str) -> str:
    return f"(({day} + time '{time}') at time zone 'Europe/Berlin')"


def book_public(time: str) -> str:
    return f"public.book_public_slot({PHYSIO}, {CARLA_ID}, {at(TUESDAY, time)})"


def book(time: str, day: str = TUESDAY) -> str:
    return f"public.book_individual_session({PHYSIO}, {CARLA_ID}, {at(day, time)})"


def latest_booking(client_id: str) -> str:
    """The client's booking made last in this scene (the scene is one transaction: latest start)."""
    return (
        f"(select b.id from public.bookings b where b.client_id = '{client_id}'"
        " order by b.created_at desc, b.start_time desc limit 1)"
    )


BOOKING_ROW = """
    select to_char(b.start_time at time zone 'Europe/Berlin', 'Dy HH24:MI') as starts, b.status,
           b.booking_kind,
           coalesce(to_char(b.approval_expires_at at time zone 'Europe/Berlin', 'Dy HH24:MI'), '—')
             as answer_due
    from {call} b"""

PUBLIC_PAGE = Scene(
    "A public booking page",
    "Anna publishes the clinic's booking page and lists Physiotherapy. Anyone - anon included -"
    " reads the page by its slug: the services, who offers them (by display name) and their free"
    " slots, and nothing else. Quinn, a client of the driving school, books from it and becomes a"
    " client of the clinic in the same transaction; a visitor who signed in anonymously books as a"
    " guest because the clinic allows it.",
    (
        Step(
            "anon",
            "opens physio-mitte's page before it is published",
            "select public.get_public_booking_page('physio-mitte')",
        ),
        Step(
            ANNA,
            "publishes the page and lets anonymous sign-ins book (as guests, the default)",
            f"""update public.organization_settings
                set public_booking_enabled = true, public_booking_allows_anonymous = true
                where organization_id = {CLINIC}""",
        ),
        Step(
            ANNA,
            "lists Physiotherapy on it",
            f"update public.services set is_public = true where id = {PHYSIO}",
        ),
        Step(
            "anon",
            "reads the page's services",
            """
            select s.name, s.duration_minutes as minutes, s.price, s.currency,
                   (select string_agg(p ->> 'display_name', ', ')
                    from jsonb_array_elements(s.providers) p) as providers
            from public.list_public_services('physio-mitte') s""",
        ),
        Step(
            "anon",
            "searches Carla's free slots next Tuesday",
            f"""
            select string_agg(to_char(starts_at at time zone 'Europe/Berlin', 'HH24:MI'), ' '
                              order by starts_at) as free
            from public.get_public_available_slots({CARLA_ID}, {PHYSIO}, {TUESDAY}, {TUESDAY})""",
        ),
        Step("anon", "tries to book without signing in", f"select id from {book_public('09:00')}"),
        Step(
            "anon",
            "tries to read the clinic's bookings and members",
            "select (select count(*) from public.bookings) as bookings,"
            " (select count(*) from public.organization_members) as members",
        ),
        Step(QUINN, "books Tuesday 09:00 from the page", BOOKING_ROW.format(call=book_public("09:00"))),
        Step(
            QUINN,
            "reads her memberships: a client of the clinic now too",
            """
            select o.name as organization, m.role, m.status
            from public.organization_members m join public.organizations o on o.id = m.organization_id
            where m.user_id = auth.uid() order by o.name""",
        ),
        Step(
            VISITOR,
            "books Tuesday 10:00 (an anonymous sign-in)",
            BOOKING_ROW.format(call=book_public("10:00")),
        ),
        Step(
            VISITOR,
            "tries to book a regular session as a client now",
            f"select id from public.book_individual_session({PHYSIO}, {CARLA_ID},"
            f" {at(TUESDAY, '11:00')}, null, 'regular')",
        ),
        Step(
            "service_role",
            "reads the outbox: two new clients",
            f"""select topic, payload ->> 'role' as role from public.outbox_events
                where organization_id = {CLINIC} and topic = 'member.joined' order by id""",
        ),
    ),
)

APPROVAL = Scene(
    "Approval: a booking waits for the provider's answer",
    "Ben makes Physiotherapy require approval. Emma's booking is pending: it holds its slot and her"
    " credit at once. Carla confirms it and declines Lena's; a request nobody answers in time expires"
    " by the pg_cron job. Declined and expired bookings are cancellations of their own kind: the"
    " slot is free again and the credit back.",
    (
        Step(
            BEN,
            "makes Physiotherapy require approval, answered within 24 hours",
            "update public.services set requires_approval = true, approval_timeout_hours = 24"
            f" where id = {PHYSIO}",
        ),
        Step(EMMA, "books Tuesday 09:00", BOOKING_ROW.format(call=book("09:00"))),
        Step(
            EMMA,
            "reads her balance: the pending booking holds a credit",
            "select b.total, b.scheduled, b.remaining from public.subscription_balances b",
        ),
        Step(LENA, "tries the same slot: it is held", f"select id from {book('09:00')}"),
        Step(LENA, "books Tuesday 10:00 instead", BOOKING_ROW.format(call=book("10:00"))),
        Step(
            CARLA,
            "lists the requests waiting for her",
            """
            select m.display_name as client,
                   to_char(b.start_time at time zone 'Europe/Berlin', 'Dy HH24:MI') as starts,
                   to_char(b.approval_expires_at at time zone 'Europe/Berlin', 'Dy HH24:MI') as answer_due
            from public.bookings b
            join public.organization_members m
              on m.organization_id = b.organization_id and m.user_id = b.client_id
            where b.provider_id = auth.uid() and b.status = 'pending' order by b.start_time""",
        ),
        Step(
            EMMA,
            "tries to confirm her own booking",
            f"select public.confirm_booking({latest_booking(EMMA_ID)})",
        ),
        Step(
            CARLA,
            "confirms Emma's",
            f"select status from public.confirm_booking({latest_booking(EMMA_ID)})",
        ),
        Step(
            CARLA,
            "declines Lena's, saying why",
            f"""select r ->> 'message' as message
                from public.decline_booking({latest_booking(LENA_ID)},
                                            'Tuesday mornings are for post-op patients') r""",
        ),
        Step(
            LENA,
            "reads why",
            f"""select cancellation_kind, cancelled_by_role, reason
                from public.booking_cancellations where booking_id = {latest_booking(LENA_ID)}""",
        ),
        Step(EMMA, "books Wednesday 09:00", BOOKING_ROW.format(call=book("09:00", f"({TUESDAY} + 1)"))),
        Step(
            "service_role",
            "(a day passes without an answer) runs the expire-pending-bookings job",
            f"""
            with overdue as (
              update public.bookings set approval_expires_at = now() - interval '1 minute'
              where id = {latest_booking(EMMA_ID)} returning id
            )
            select (select count(*) from overdue) as overdue, private.expire_pending_bookings() as expired""",
        ),
        Step(
            EMMA,
            "reads her bookings and balance: the expired one gave its credit back",
            """
            select to_char(b.start_time at time zone 'Europe/Berlin', 'Dy HH24:MI') as starts, b.status,
                   coalesce(c.cancellation_kind, '') as kind,
                   coalesce(c.cancellation_policy_applied, '') as credit,
                   (select s.remaining from public.subscription_balances s) as credits_left
            from public.bookings b left join public.booking_cancellations c on c.booking_id = b.id
            where b.client_id = auth.uid() and b.start_time > now() + interval '1 day'
              and b.service_id = '40000000-0000-4000-8000-000000000001'
              and b.created_at = now()
            order by b.start_time""",
        ),
        Step(
            "service_role",
            "reads the outbox: every answer is an event",
            f"""select topic, count(*) from public.outbox_events
                where organization_id = {CLINIC} and topic in
                  ('booking.pending', 'booking.confirmed', 'booking.declined', 'booking.expired')
                group by topic order by min(id)""",
        ),
    ),
)

PUBLIC_BOOKING_SCENES: list[Scene] = [PUBLIC_PAGE, APPROVAL]
