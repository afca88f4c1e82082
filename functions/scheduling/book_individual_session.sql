-- book_individual_session: a client (or staff for a client) books a 1-to-1 session; its
-- private `individual` service session is created in the same transaction.

create or replace function public.book_individual_session(
  p_service_id uuid,
  p_provider_id uuid,
  p_starts_at timestamptz,
  p_session_type_id uuid default null,
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
begin
  perform private.require_caller();
  if p_service_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A service id is required.', 'p_service_id');
  end if;
  if p_provider_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A provider id is required.', 'p_provider_id');
  end if;
  if p_starts_at is null then
    perform private.raise_error('INVALID_REQUEST', 'A start time is required.', 'p_starts_at');
  end if;
  perform private.require_sane_timestamp(p_starts_at, 'p_starts_at');
  perform private.validate_booking_kind(p_booking_kind);

  select sv.organization_id into v_org from public.services sv where sv.id = p_service_id;
  if v_org is null then
    perform private.raise_error('NOT_FOUND', 'Service not found.', 'p_service_id');
  end if;
  select r.client_id into v_client
  from private.resolve_booking_client(v_org, p_client_id, 'p_service_id') as r;

  return private.create_individual_booking(
    p_service_id, p_provider_id, p_starts_at, v_client, p_session_type_id, p_booking_kind
  );
end
$$;

comment on function public.book_individual_session(uuid, uuid, timestamptz, uuid, text, uuid) is
  'Books a 1-to-1 session with a provider at p_starts_at (length = the session type: p_session_type_id, else the service''s, else the organization default) and returns the booking; creates its private individual service session. A client books for themself; owners/admins/providers name p_client_id. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = field), NOT_FOUND, FORBIDDEN, SERVICE_INACTIVE, SESSION_TYPE_INACTIVE, BOOKING_IN_PAST, TOO_LATE_TO_BOOK, OUTSIDE_BOOKING_WINDOW, ORGANIZATION_CLOSED, OUTSIDE_AVAILABILITY, DAILY_LIMIT_REACHED, CLIENT_LIMIT_REACHED (PT422), SLOT_TAKEN (PT409).';

revoke execute on function public.book_individual_session(uuid, uuid, timestamptz, uuid, text, uuid) from public, anon;
grant execute on function public.book_individual_session(uuid, uuid, timestamptz, uuid, text, uuid) to authenticated, service_role;
