-- book_treatment: start a multi-session treatment (seed 004 strategies), every session through
-- the booking core (private.book_individual: every booking rule, credits), all in the caller's
-- transaction:
--   immediate  : all total_sessions_required sessions, scheduled from p_starts_at by the
--                service's gaps; any failure books nothing and names the failing session;
--   sequential : session 1 (the next ones with book_next_treatment_session after completion);
--   flexible   : p_sessions (1..total, default 1) sessions on the schedule; more later with
--                book_next_treatment_session.

create or replace function private.book_treatment_session(
  p_service_id uuid,
  p_provider_id uuid,
  p_starts_at timestamptz,
  p_client_id uuid,
  p_session_group_id uuid,
  p_session_number integer,
  p_total_sessions integer
)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_candidate private.booking_candidate;
  v_booking public.bookings;
  v_code text;
  v_detail text;
  v_hint text;
  v_state text;
begin
  begin
    v_candidate := private.individual_candidate(p_service_id, p_provider_id, p_starts_at, p_client_id);
    v_candidate.session_group_id := p_session_group_id;
    v_candidate.session_number := p_session_number;
    v_candidate.total_sessions := p_total_sessions;
    v_booking := private.book_individual(v_candidate);
  exception when others then
    get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail,
                            v_hint = pg_exception_hint, v_state = returned_sqlstate;
    -- name the session that failed, keep the code (and so the HTTP status)
    raise exception using
      errcode = v_state,
      message = v_code,
      detail = format('Session %s of %s (%s): %s', p_session_number, p_total_sessions, p_starts_at,
                      coalesce(nullif(v_detail, ''), v_code)),
      hint = coalesce(nullif(v_hint, ''), 'p_starts_at');
  end;
  return v_booking;
end
$$;

comment on function private.book_treatment_session(uuid, uuid, timestamptz, uuid, uuid, integer, integer) is
  'Books one session of a treatment through the booking core (private.book_individual, with the treatment''s group and session number on the candidate, so the booking rule treatment_order applies and the booking is written tagged); an error keeps its code and names the session ("Session 2 of 3 (…): …").';

revoke all on function private.book_treatment_session(uuid, uuid, timestamptz, uuid, uuid, integer, integer) from public, anon;
grant execute on function private.book_treatment_session(uuid, uuid, timestamptz, uuid, uuid, integer, integer) to service_role;

create or replace function public.book_treatment(
  p_service_id uuid,
  p_provider_id uuid,
  p_starts_at timestamptz,
  p_sessions integer default null,
  p_client_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_service public.services;
  v_client uuid;
  v_count integer;
  v_group uuid := gen_random_uuid();
  v_session record;
  v_booking public.bookings;
  v_bookings jsonb := '[]'::jsonb;
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

  select sv.* into v_service from public.services sv where sv.id = p_service_id;
  if v_service.id is null then
    perform private.raise_error('NOT_FOUND', 'Service not found.', 'p_service_id');
  end if;
  select r.client_id into v_client
  from private.resolve_booking_client(v_service.organization_id, p_client_id, 'p_service_id') as r;

  if not v_service.requires_multiple_sessions then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('Service "%s" is booked one session at a time (book_individual_session).', v_service.name),
      'p_service_id'
    );
  end if;

  v_count := case v_service.multi_session_strategy
    when 'immediate' then v_service.total_sessions_required
    else coalesce(p_sessions, 1)
  end;
  if v_service.multi_session_strategy = 'immediate'
     and p_sessions is not null and p_sessions <> v_service.total_sessions_required then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('This treatment books all %s sessions at once.', v_service.total_sessions_required),
      'p_sessions'
    );
  end if;
  if v_service.multi_session_strategy = 'sequential' and v_count <> 1 then
    perform private.raise_error(
      'INVALID_REQUEST',
      'This treatment is booked one session at a time, each after the previous one is completed.',
      'p_sessions'
    );
  end if;
  if v_count < 1 or v_count > v_service.total_sessions_required then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('Book 1 to %s sessions of this treatment.', v_service.total_sessions_required),
      'p_sessions'
    );
  end if;

  for v_session in
    select s.session_number, s.starts_at, s.session_label
    from private.treatment_schedule(p_service_id, p_starts_at, 1, v_count) as s
    order by s.session_number
  loop
    v_booking := private.book_treatment_session(
      p_service_id, p_provider_id, v_session.starts_at, v_client, v_group,
      v_session.session_number, v_service.total_sessions_required
    );
    v_bookings := v_bookings || jsonb_build_object(
      'booking_id', v_booking.id,
      'session_number', v_booking.session_number,
      'session_label', v_session.session_label,
      'starts_at', v_booking.start_time,
      'ends_at', v_booking.end_time
    );
  end loop;

  perform private.emit_event(v_service.organization_id, 'treatment.booked', jsonb_build_object(
    'session_group_id', v_group,
    'service_id', p_service_id,
    'client_id', v_client,
    'provider_id', p_provider_id,
    'strategy', v_service.multi_session_strategy,
    'total_sessions', v_service.total_sessions_required,
    'bookings', v_bookings
  ));

  return jsonb_build_object(
    'session_group_id', v_group,
    'strategy', v_service.multi_session_strategy,
    'total_sessions', v_service.total_sessions_required,
    'bookings', v_bookings,
    'progress', private.treatment_progress_of(v_group) -> 'message'
  );
end
$$;

comment on function public.book_treatment(uuid, uuid, timestamptz, integer, uuid) is
  'Starts a multi-session treatment of the service with the provider (seed 004): immediate books every session at once on the schedule of preview_treatment_schedule (atomically: any conflict books nothing and the error detail names the session, "Session 2 of 3 (…): …"), sequential books session 1, flexible books p_sessions (1..total, default 1). Each session is a normal 1-to-1 booking (rules, credits) tagged with the new session_group_id, session_number and total_sessions. A client books for themself; owners/admins/providers name p_client_id. Returns {session_group_id, strategy, total_sessions, bookings[{booking_id, session_number, session_label, starts_at, ends_at}], progress} (treatment.booked carries the same bookings). Errors: those of book_individual_session, INVALID_REQUEST (hint p_sessions) for a count the strategy does not allow.
@returns {session_group_id: uuid, strategy: text, total_sessions: integer, bookings: {booking_id: uuid, session_number: integer, session_label: text | null, starts_at: timestamptz, ends_at: timestamptz}[], progress: text}';

revoke execute on function public.book_treatment(uuid, uuid, timestamptz, integer, uuid) from public, anon;
grant execute on function public.book_treatment(uuid, uuid, timestamptz, integer, uuid) to authenticated, service_role;
