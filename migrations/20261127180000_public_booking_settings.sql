-- Public booking pages 1/2 (issue 14): an organization may publish a booking page. Why: today
-- every client must already be a member, and anon cannot even search slots; Cal.com/Calendly
-- users expect a public link where a visitor picks a service, a provider and a time.
--   organization_settings.public_booking_enabled          the page is published (default off)
--   organization_settings.public_booking_allows_anonymous  Supabase anonymous sign-ins may book
--   organization_settings.public_booking_anonymous_kind    ... and their bookings are of this kind
--   services.is_public                                     the service is listed on the page
-- What anon may read of a published page, and how a visitor becomes a client, is in
-- functions/public_booking/ and docs/public-booking.md. Adding columns with constant defaults
-- rewrites nothing; the check is added not valid (validated by 20261127180300).

set local lock_timeout = '5s';

alter table public.organization_settings
  add column public_booking_enabled boolean not null default false,
  add column public_booking_allows_anonymous boolean not null default false,
  add column public_booking_anonymous_kind text not null default 'guest',
  add constraint organization_settings_public_booking_anonymous_kind_check
    check (public_booking_anonymous_kind in ('regular', 'trial', 'guest')) not valid;

comment on column public.organization_settings.public_booking_enabled is
  'The organization publishes a booking page (get_public_booking_page by slug): anon lists its public services, their providers'' display names and free slots; signed-in users book them with book_public_slot and become clients.';
comment on column public.organization_settings.public_booking_allows_anonymous is
  'Supabase anonymous sign-ins (JWT claim is_anonymous = true) may book (public page and, once clients, every client booking path); otherwise FORBIDDEN.';
comment on column public.organization_settings.public_booking_anonymous_kind is
  'booking_kind of every booking an anonymous sign-in makes for themself (regular | trial | guest; default guest: never spends credits).';

alter table public.services
  add column is_public boolean not null default false;

comment on column public.services.is_public is
  'Listed on the organization''s public booking page (when the page is published and the service active).';

-- the page lists an organization's public services: a small partial index, empty until used
create index services_public_idx on public.services (organization_id) where is_public;
