"""The walkthrough `make demo` ends with, on the data of seeds/demo.sql."""

from __future__ import annotations

from sessionkit.demo.engine import Scene, Step

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
]
