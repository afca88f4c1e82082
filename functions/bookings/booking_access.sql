-- RLS predicates about one booking, for the tables that hang off bookings (status history,
-- cancellations, notes, recordings) and for service sessions. security definer: they read
-- bookings without recursing into its policies; stable, so a policy evaluates them cheaply.

create or replace function private.booking_party_role(p_booking_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when b.client_id = (select auth.uid()) then 'client'
    when b.provider_id = (select auth.uid()) then 'provider'
  end
  from public.bookings b
  where b.id = p_booking_id
    and private.is_member(b.organization_id)
$$;

comment on function private.booking_party_role(uuid) is
  'client or provider when the caller is that party of the booking (and still a member of its organization), else null.';

revoke all on function private.booking_party_role(uuid) from public, anon;
grant execute on function private.booking_party_role(uuid) to authenticated, service_role;

create or replace function private.has_booking_in_session(p_service_session_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.bookings b
    where b.service_session_id = p_service_session_id
      and b.client_id = (select auth.uid())
  )
$$;

comment on function private.has_booking_in_session(uuid) is
  'True when the caller has (or had) a booking in the service session: a client may read their own private 1-to-1 sessions.';

revoke all on function private.has_booking_in_session(uuid) from public, anon;
grant execute on function private.has_booking_in_session(uuid) to authenticated, service_role;
