-- join_waitlist: a client takes the next place in the queue of a full workshop or course session
-- (or staff put a client there). Only a session that could be booked but for its capacity takes
-- waiting clients: the booking rules of purpose wait (status, start, service, booking window,
-- closures, a seat already held) are asked now; the client's own (credits, limits) when their
-- turn comes, by the booking core.

create or replace function public.join_waitlist(
  p_service_session_id uuid,
  p_booking_kind text default 'regular',
  p_client_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_session public.service_sessions;
  v_client uuid;
  v_is_staff boolean;
  v_entry public.waitlist_entries;
begin
  perform private.validate_booking_kind(p_booking_kind);
  select l.client_id, l.is_staff into v_client, v_is_staff
  from private.lock_waitlist_session(p_service_session_id, p_client_id) as l;
  select ss.* into v_session from public.service_sessions as ss where ss.id = p_service_session_id;

  if v_session.kind = 'individual' then
    perform private.raise_error('INVALID_REQUEST', 'Only workshops and course sessions have waitlists.', 'p_service_session_id');
  end if;
  -- the booking rules about the session and its time (purpose wait); the client's own (credits,
  -- limits) and the capacity are asked when their turn comes
  perform private.assert_bookable(
    private.new_candidate(
      purpose => 'wait',
      organization_id => v_session.organization_id,
      service_id => v_session.service_id,
      provider_id => v_session.provider_id,
      client_id => v_client,
      starts_at => v_session.starts_at,
      ends_at => v_session.ends_at,
      booking_kind => p_booking_kind,
      acting_as_staff => v_is_staff,
      service_session_id => v_session.id
    ),
    'p_',
    '{"starts_at": "p_service_session_id", "service_id": "p_service_session_id"}'
  );

  -- one place per client: joining again answers with the place already held
  select e.* into v_entry
  from public.waitlist_entries as e
  where e.service_session_id = v_session.id
    and e.client_id = v_client
    and e.status = 'waiting';
  if v_entry.id is not null then
    return private.waitlist_entry_json(v_entry);
  end if;

  if v_session.current_participants < v_session.max_participants then
    perform private.raise_error(
      'SESSION_NOT_FULL',
      format('This session has free places (%s of %s taken): book it with book_session.',
             v_session.current_participants, v_session.max_participants),
      'p_service_session_id'
    );
  end if;

  insert into public.waitlist_entries (organization_id, service_session_id, client_id, booking_kind, joined_by)
  values (v_session.organization_id, v_session.id, v_client, p_booking_kind, (select auth.uid()))
  returning * into v_entry;

  perform private.emit_event(v_session.organization_id, 'waitlist.joined', jsonb_build_object(
    'entry_id', v_entry.id,
    'service_session_id', v_session.id,
    'client_id', v_client,
    'starts_at', v_session.starts_at
  ));
  return private.waitlist_entry_json(v_entry);
end
$$;

comment on function public.join_waitlist(uuid, text, uuid) is
  'Puts the client (the caller, or p_client_id named by an owner/admin/provider) on the waitlist of a full workshop/course session and returns {entry_id, service_session_id, client_id, booking_kind, status, position, waiting, joined_at}; joining again returns the place already held. When a place frees the first waiting client is booked automatically (waitlist.promoted). Private sessions: staff only. Outbox waitlist.joined. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = argument; individual sessions have no waitlist), NOT_FOUND, FORBIDDEN, ALREADY_CANCELLED, CONFLICT (already booked), SESSION_NOT_FULL (book it instead) (PT409), BOOKING_IN_PAST, SERVICE_INACTIVE, TOO_LATE_TO_BOOK, OUTSIDE_BOOKING_WINDOW, ORGANIZATION_CLOSED (PT422).
@returns {entry_id: uuid, service_session_id: uuid, client_id: uuid, booking_kind: ''regular'' | ''trial'' | ''guest'', status: ''waiting'' | ''promoted'' | ''skipped'' | ''left'' | ''expired'', position: integer | null, waiting: integer, joined_at: timestamptz}';

revoke execute on function public.join_waitlist(uuid, text, uuid) from public, anon;
grant execute on function public.join_waitlist(uuid, text, uuid) to authenticated, service_role;
