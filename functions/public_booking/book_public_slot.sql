-- book_public_slot: a signed-in visitor of a published booking page books a slot of a listed
-- service with a listed provider. Anyone signed in may - a Supabase anonymous sign-in too when the
-- organization allows it (booking as its public_booking_anonymous_kind, default guest) - and a
-- visitor who is not a member yet becomes an accepted client of the organization in the same
-- transaction (nothing is left behind when the booking is refused). The booking itself is the
-- booking core's (private.create_individual_booking): every rule, credits, approval.

create or replace function public.book_public_slot(
  p_service_id uuid,
  p_provider_id uuid,
  p_starts_at timestamptz
)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_service public.services;
  v_settings public.organization_settings;
  v_kind text := 'regular';
begin
  if v_uid is null then
    perform private.raise_error('UNAUTHORIZED', 'Sign in (an anonymous sign-in will do where the organization allows it) to book.');
  end if;
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

  v_service := private.listed_service(p_service_id);
  if v_service.id is null then
    perform private.raise_error('NOT_FOUND', 'Service not found on a published booking page.', 'p_service_id');
  end if;
  if not exists (select 1 from private.listed_providers(v_service) as p where p.provider_id = p_provider_id) then
    perform private.raise_error('NOT_FOUND', 'This provider does not offer the service on the booking page.', 'p_provider_id');
  end if;

  if private.is_anonymous_caller() then
    select s.* into v_settings from public.organization_settings s where s.organization_id = v_service.organization_id;
    v_kind := v_settings.public_booking_anonymous_kind;  -- assert_anonymous_booking refuses when not allowed
  end if;
  perform private.assert_anonymous_booking(v_service.organization_id, v_uid, v_kind, 'is_anonymous');
  perform private.join_as_public_client(v_service.organization_id);

  return private.create_individual_booking(p_service_id, p_provider_id, p_starts_at, v_uid, null, v_kind);
end
$$;

comment on function public.book_public_slot(uuid, uuid, timestamptz) is
  'Books a slot of a service listed on a published booking page (get_public_available_slots) for the signed-in caller and returns the booking; a caller who is not a member becomes an accepted client of the organization in the same transaction (member.joined). Anonymous sign-ins (JWT is_anonymous) only where organization_settings.public_booking_allows_anonymous, booking as public_booking_anonymous_kind; others book regular. Pending when the service requires approval. Errors: UNAUTHORIZED (anon, no user), INVALID_REQUEST (hint = field), NOT_FOUND (service not listed or page not published: p_service_id; provider not offering it: p_provider_id), FORBIDDEN (anonymous sign-in not allowed; staff of the organization), CONFLICT (open invitation), then the booking rules of book_individual_session: SERVICE_INACTIVE, BOOKING_IN_PAST, TOO_LATE_TO_BOOK, OUTSIDE_BOOKING_WINDOW, OUTSIDE_AVAILABILITY, DAILY_LIMIT_REACHED (PT422), SLOT_TAKEN, NO_CREDITS_LEFT (PT409).';

revoke execute on function public.book_public_slot(uuid, uuid, timestamptz) from public;
grant execute on function public.book_public_slot(uuid, uuid, timestamptz) to anon, authenticated, service_role;
