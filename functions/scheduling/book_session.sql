-- book_session: join a scheduled session - a workshop, a course meeting, or an open 1-to-1 slot
-- staff created - with capacity enforced under the session's row lock.

create or replace function public.book_session(
  p_service_session_id uuid,
  p_booking_kind text default 'regular',
  p_client_id uuid default null
)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_org uuid;
  v_client uuid;
  v_is_staff boolean;
begin
  perform private.require_caller();
  if p_service_session_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A service session id is required.', 'p_service_session_id');
  end if;
  perform private.validate_booking_kind(p_booking_kind);

  select ss.organization_id into v_org from public.service_sessions ss where ss.id = p_service_session_id;
  if v_org is null then
    perform private.raise_error('NOT_FOUND', 'Session not found.', 'p_service_session_id');
  end if;
  select r.client_id, r.is_staff into v_client, v_is_staff
  from private.resolve_booking_client(v_org, p_client_id, 'p_service_session_id') as r;

  return private.join_service_session(p_service_session_id, v_client, p_booking_kind, v_is_staff);
end
$$;

comment on function public.book_session(uuid, text, uuid) is
  'Joins a scheduled session (workshop, course meeting, open 1-to-1 slot) and returns the booking. Public and unlisted sessions: any client of the organization (unlisted ones are simply not listed); private ones (such as someone''s 1-to-1 session): only staff booking a client in. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = field), NOT_FOUND, FORBIDDEN (private session), ALREADY_CANCELLED (session cancelled), CONFLICT (already booked), CAPACITY_REACHED (full; a booked 1-to-1 session is full) (PT409), SERVICE_INACTIVE, BOOKING_IN_PAST, TOO_LATE_TO_BOOK, OUTSIDE_BOOKING_WINDOW, ORGANIZATION_CLOSED, CLIENT_LIMIT_REACHED (PT422). A full session takes a place on its waitlist instead (join_waitlist).';

revoke execute on function public.book_session(uuid, text, uuid) from public, anon;
grant execute on function public.book_session(uuid, text, uuid) to authenticated, service_role;
