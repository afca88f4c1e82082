-- Promotion: when a place of a workshop/course session frees - its participant count drops (a
-- booking cancelled, moved to another session, declined or expired while pending, deleted) or its
-- capacity is raised - the first waiting client is booked in the same transaction, through the
-- booking core for scheduled sessions (private.join_service_session: every booking rule, credits
-- by the credit trigger, the client's limit per period). A client who can no longer be booked
-- is skipped (status skipped, skip_code = the contract code, waitlist.skipped) and the next one
-- is tried, until the places are taken or nobody waits. Each promotion: waitlist.promoted.
-- The trigger fires on service_sessions, whoever changed the count, so every path that frees a
-- place promotes without knowing about waitlists. It runs under the session's row lock (the
-- statement that changed the row holds it), the lock joins and leaves take too: the queue it
-- reads is complete and in order.
-- A cancelled or completed session ends its queue: waiting entries expire (waitlist.expired).

create or replace function private.promote_waitlist(p_service_session_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_session public.service_sessions;
  v_entry public.waitlist_entries;
  v_booking public.bookings;
  v_promoted integer := 0;
  v_code text;
  v_detail text;
  v_state text;
begin
  select ss.* into v_session from public.service_sessions as ss where ss.id = p_service_session_id for update;
  loop
    exit when v_session.id is null
      or v_session.status <> 'scheduled'
      or v_session.starts_at <= now()
      or v_session.current_participants >= v_session.max_participants;

    select e.* into v_entry
    from public.waitlist_entries as e
    where e.service_session_id = v_session.id
      and e.organization_id = v_session.organization_id
      and e.status = 'waiting'
    order by e.queue_number
    limit 1;
    exit when v_entry.id is null;
    -- the client's membership before their entry (lock order: a leave holds the membership,
    -- then deletes the entry with it); a client who left meanwhile took the entry along
    perform private.lock_memberships(array[v_entry.organization_id], array[v_entry.client_id]);
    select e.* into v_entry
    from public.waitlist_entries as e
    where e.id = v_entry.id
      and e.status = 'waiting'
    for update;
    continue when v_entry.id is null;

    begin
      -- the new booking's history says why it exists (not the reason of the change that freed the place)
      -- staff book the waiting client in when staff put them on the list; a client's own entry is
      -- their request (a service requiring approval: the promoted booking is pending)
      v_booking := private.join_service_session(
        v_session.id, v_entry.client_id, v_entry.booking_kind, v_entry.joined_by is distinct from v_entry.client_id,
        'Promoted from the waitlist'
      );
      update public.waitlist_entries as e
      set status = 'promoted', booking_id = v_booking.id, resolved_at = now()
      where e.id = v_entry.id;
      perform private.emit_event(v_session.organization_id, 'waitlist.promoted', jsonb_build_object(
        'entry_id', v_entry.id,
        'booking_id', v_booking.id,
        'service_session_id', v_session.id,
        'client_id', v_entry.client_id,
        'provider_id', v_session.provider_id,
        'service_id', v_session.service_id,
        'starts_at', v_session.starts_at,
        'ends_at', v_session.ends_at,
        'booking_kind', v_booking.booking_kind,
        'subscription_id', v_booking.subscription_id
      ));
      v_promoted := v_promoted + 1;
    exception when others then
      get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail, v_state = returned_sqlstate;
      if v_state not like 'PT%' then
        raise;  -- not a booking rule (a deadlock, a bug): fail the change rather than skip the client unfairly
      end if;
      update public.waitlist_entries as e
      set status = 'skipped', skip_code = v_code, skip_detail = left(v_detail, 2000), resolved_at = now()
      where e.id = v_entry.id;
      perform private.emit_event(v_session.organization_id, 'waitlist.skipped', jsonb_build_object(
        'entry_id', v_entry.id,
        'service_session_id', v_session.id,
        'client_id', v_entry.client_id,
        'starts_at', v_session.starts_at,
        'code', v_code,
        'detail', v_detail
      ));
    end;
    v_entry := null;
    select ss.* into v_session from public.service_sessions as ss where ss.id = p_service_session_id;
  end loop;
  return v_promoted;
end
$$;

comment on function private.promote_waitlist(uuid) is
  'Fills the free places of a scheduled, future session from its waitlist in queue order: each waiting client is booked through private.join_service_session (every rule, credits, limits; status promoted, booking_id, outbox waitlist.promoted) or, when a booking rule refuses them (a PT4xx error), skipped with the code (status skipped, skip_code, skip_detail, outbox waitlist.skipped). Other errors propagate. Returns how many were promoted. Locks the session row.';

revoke all on function private.promote_waitlist(uuid) from public, anon, authenticated;
grant execute on function private.promote_waitlist(uuid) to service_role;

create or replace function private.service_sessions_promote_waitlist()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.promote_waitlist(new.id);
  return null;
end
$$;

comment on function private.service_sessions_promote_waitlist() is
  'AFTER UPDATE OF current_participants, max_participants trigger on service_sessions: a place of a scheduled workshop/course session freed (fewer participants, or more places) -> private.promote_waitlist.';

revoke all on function private.service_sessions_promote_waitlist() from public, anon;

create or replace function private.service_sessions_expire_waitlist()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_expired integer;
begin
  with expired as (
    update public.waitlist_entries as e
    set status = 'expired', resolved_at = now()
    where e.service_session_id = new.id
      and e.status = 'waiting'
    returning e.id, e.client_id
  )
  select count(private.emit_event(new.organization_id, 'waitlist.expired', jsonb_build_object(
           'entry_id', x.id,
           'service_session_id', new.id,
           'client_id', x.client_id,
           'starts_at', new.starts_at,
           'session_status', new.status)))::integer
  into v_expired
  from expired as x;
  return null;
end
$$;

comment on function private.service_sessions_expire_waitlist() is
  'AFTER UPDATE OF status trigger on service_sessions: a session cancelled or completed expires its waiting entries (status expired, outbox waitlist.expired each).';

revoke all on function private.service_sessions_expire_waitlist() from public, anon;
