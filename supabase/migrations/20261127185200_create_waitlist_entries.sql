-- Waitlists (issue 14): a full workshop or course session takes waiting clients.
-- Why: when a seat frees (a cancellation, a booking moved away, capacity raised, a pending booking
-- declined or expired), the first waiting client is booked in the same transaction under every
-- booking rule, credits included; a client who can no longer be booked is skipped with the
-- reason and the next one is tried (functions/waitlists/). Queue order = queue_number, drawn
-- while holding the session's row lock (join_waitlist), so it is the order in which joins
-- committed: a promotion, which holds the same lock, never skips an earlier waiting client.
-- Entries change only through join_waitlist, leave_waitlist and the promotion trigger: users get
-- no insert/update/delete privilege (RLS decides who reads what).

set local lock_timeout = '5s';

create table public.waitlist_entries (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  service_session_id uuid not null,
  client_id uuid not null,
  booking_kind text not null default 'regular',
  queue_number bigint generated always as identity,
  status text not null default 'waiting',
  booking_id uuid,
  skip_code text,
  skip_detail text,
  joined_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint waitlist_entries_booking_kind_check check (booking_kind in ('regular', 'trial', 'guest')),
  constraint waitlist_entries_status_check check (status in ('waiting', 'promoted', 'skipped', 'left', 'expired')),
  constraint waitlist_entries_skip_check check ((status = 'skipped') = (skip_code is not null)),
  constraint waitlist_entries_resolved_check check ((status = 'waiting') = (resolved_at is null)),
  constraint waitlist_entries_skip_detail_length check (char_length(skip_detail) <= 2000),
  constraint waitlist_entries_organization_id_id_key unique (organization_id, id),
  constraint waitlist_entries_service_session_fkey foreign key (organization_id, service_session_id)
    references public.service_sessions (organization_id, id) on delete cascade,
  -- the client's membership: leaving the organization (or being removed) takes the entries along
  constraint waitlist_entries_client_fkey foreign key (organization_id, client_id)
    references public.organization_members (organization_id, user_id) on delete cascade,
  constraint waitlist_entries_booking_fkey foreign key (organization_id, booking_id)
    references public.bookings (organization_id, id) on delete set null (booking_id)
);

-- one place in the queue per client and session
create unique index waitlist_entries_waiting_client_key
  on public.waitlist_entries (service_session_id, client_id) where status = 'waiting';

-- the queue of a session, in order (and the session foreign key)
create index waitlist_entries_session_queue_idx
  on public.waitlist_entries (service_session_id, organization_id, queue_number);

-- a client's entries (RLS, the membership foreign key)
create index waitlist_entries_client_idx on public.waitlist_entries (client_id, organization_id);

create index waitlist_entries_organization_id_created_at_idx on public.waitlist_entries (organization_id, created_at);

create index waitlist_entries_booking_idx on public.waitlist_entries (booking_id, organization_id) where booking_id is not null;

create index waitlist_entries_joined_by_idx on public.waitlist_entries (joined_by);

alter table public.waitlist_entries enable row level security;

revoke insert, update, delete on public.waitlist_entries from anon, authenticated;

comment on table public.waitlist_entries is 'Clients waiting for a place in a full workshop/course session. When a place frees, the first waiting client is booked automatically in the same transaction (status promoted, booking_id, outbox waitlist.promoted); one who can no longer be booked is skipped (status skipped, skip_code = the booking error) and the next is tried. Join with join_waitlist, leave with leave_waitlist, positions with get_waitlist. Clients read their own entries; owners, admins and providers their organization''s.';
comment on column public.waitlist_entries.queue_number is 'Order in the queue (lower = earlier): drawn under the session''s row lock, so it is the order of the joins. The position among waiting clients is given by get_waitlist.';
comment on column public.waitlist_entries.status is 'waiting | promoted (booked: booking_id) | skipped (could not be booked when its turn came: skip_code, skip_detail) | left (leave_waitlist) | expired (the session was cancelled or completed before a place freed).';
comment on column public.waitlist_entries.booking_kind is 'The kind of booking the promotion makes: regular | trial | guest.';
comment on column public.waitlist_entries.skip_code is 'The contract error code that made the promotion skip this client (e.g. NO_CREDITS_LEFT, CLIENT_LIMIT_REACHED).';
comment on column public.waitlist_entries.joined_by is 'Who put the client on the list (the client, or staff for them).';
comment on column public.waitlist_entries.resolved_at is 'When the entry left the queue (promoted, skipped, left, expired).';
