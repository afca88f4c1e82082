-- book_public_slot: a signed-in visitor of a published booking page books a slot of a listed
-- service with a listed provider. Anyone signed in may - a Supabase anonymous sign-in too when the
-- organization allows it (booking as its public_booking_anonymous_kind, default guest) - and a
-- visitor who is not a member yet becomes an accepted client of the organization in the same
-- transaction (nothing is left behind when the booking is refused). The booking itself is the
-- booking core's (private.book_individual, the candidate marked public_page): every rule of the
-- rule home (public_listing and anonymous_booking among them), credits, approval.

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
  v_kind text := 'regular';
  v_candidate private.booking_candidate;
  v_probe private.booking_candidate;
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
  if not exists (select 1 from public.services sv where sv.id = p_service_id) then
    perform private.raise_error('NOT_FOUND', 'Service not found on a published booking page.', 'p_service_id');
  end if;

  -- an anonymous sign-in books as the organization says (rule anonymous_booking refuses it where
  -- the organization does not take them); everyone else books regular
  if private.is_anonymous_caller() then
    select s.public_booking_anonymous_kind into v_kind
    from public.services sv
    join public.organization_settings s on s.organization_id = sv.organization_id
    where sv.id = p_service_id;
  end if;
  v_candidate := private.individual_candidate(p_service_id, p_provider_id, p_starts_at, v_uid, null, null, v_kind);
  v_candidate.public_page := true;

  -- before the visitor joins: the rules that need neither a client nor a time (a probe of
  -- purpose search): listed on a published page with that provider, offered, the session type
  v_probe := v_candidate;
  v_probe.purpose := 'search';
  v_probe.client_id := null;
  v_probe.starts_at := null;
  v_probe.ends_at := null;
  perform private.assert_bookable(v_probe);

  perform private.join_as_public_client(v_candidate.organization_id);
  return private.book_individual(v_candidate);
end
$$;

comment on function public.book_public_slot(uuid, uuid, timestamptz) is
  'Books a slot of a service listed on a published booking page (get_public_available_slots) for the signed-in caller and returns the booking; a caller who is not a member becomes an accepted client of the organization in the same transaction (member.joined). Anonymous sign-ins (JWT is_anonymous) only where organization_settings.public_booking_allows_anonymous, booking as public_booking_anonymous_kind; others book regular. Pending when the service requires approval. Errors: UNAUTHORIZED (anon, no user), INVALID_REQUEST (hint = field), NOT_FOUND (service not listed or page not published: p_service_id; provider not offering it: p_provider_id), FORBIDDEN (anonymous sign-in not allowed; staff of the organization), CONFLICT (open invitation), then the booking rules of book_individual_session: SERVICE_INACTIVE, BOOKING_IN_PAST, TOO_LATE_TO_BOOK, OUTSIDE_BOOKING_WINDOW, OUTSIDE_AVAILABILITY, DAILY_LIMIT_REACHED (PT422), SLOT_TAKEN, NO_CREDITS_LEFT (PT409).';

revoke execute on function public.book_public_slot(uuid, uuid, timestamptz) from public;
grant execute on function public.book_public_slot(uuid, uuid, timestamptz) to anon, authenticated, service_role;
