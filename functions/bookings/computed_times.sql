-- PostgREST computed fields: bookings?select=*,computed_start_time,computed_end_time
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
