-- PostgREST computed fields: bookings?select=*,computed_start_time,computed_end_time,session_label
-- The service session is the source of truth; legacy bookings without one fall back to their
-- own (deprecated) start_time/end_time.

create or replace function public.computed_start_time(p_booking public.bookings)
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select ss.starts_at from public.service_sessions ss where ss.id = p_booking.service_session_id),
    p_booking.start_time
  )
$$;

comment on function public.computed_start_time(public.bookings) is
  'Computed field of bookings: the start of its service session (legacy rows: bookings.start_time).';

revoke execute on function public.computed_start_time(public.bookings) from public, anon;
grant execute on function public.computed_start_time(public.bookings) to authenticated, service_role;

create or replace function public.computed_end_time(p_booking public.bookings)
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select ss.ends_at from public.service_sessions ss where ss.id = p_booking.service_session_id),
    p_booking.end_time
  )
$$;

comment on function public.computed_end_time(public.bookings) is
  'Computed field of bookings: the end of its service session (legacy rows: bookings.end_time).';

revoke execute on function public.computed_end_time(public.bookings) from public, anon;
grant execute on function public.computed_end_time(public.bookings) to authenticated, service_role;

create or replace function public.session_label(p_booking public.bookings)
returns text
language sql
stable
set search_path = ''
as $$
  -- the label the treatment's service gives this session number (services.session_labels)
  select sv.session_labels[p_booking.session_number]
  from public.services sv
  where sv.id = p_booking.service_id
    and p_booking.session_group_id is not null
$$;

comment on function public.session_label(public.bookings) is
  'Computed field of bookings: the name of this treatment session (services.session_labels[session_number], seed 004: "Healing Check"); null outside treatments or when the service names no sessions.';

revoke execute on function public.session_label(public.bookings) from public, anon;
grant execute on function public.session_label(public.bookings) to authenticated, service_role;
