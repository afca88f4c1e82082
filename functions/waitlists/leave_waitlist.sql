-- leave_waitlist: the client gives up their place (or staff take a client off the list).

create or replace function public.leave_waitlist(
  p_service_session_id uuid,
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
  v_entry public.waitlist_entries;
begin
  select l.client_id into v_client from private.lock_waitlist_session(p_service_session_id, p_client_id) as l;
  select ss.* into v_session from public.service_sessions as ss where ss.id = p_service_session_id;

  update public.waitlist_entries as e
  set status = 'left', resolved_at = now()
  where e.service_session_id = v_session.id
    and e.client_id = v_client
    and e.status = 'waiting'
  returning e.* into v_entry;
  if v_entry.id is null then
    perform private.raise_error('NOT_FOUND', 'The client is not waiting for this session.', 'p_service_session_id');
  end if;

  perform private.emit_event(v_session.organization_id, 'waitlist.left', jsonb_build_object(
    'entry_id', v_entry.id,
    'service_session_id', v_session.id,
    'client_id', v_client,
    'left_by', (select auth.uid())
  ));
  return private.waitlist_entry_json(v_entry);
end
$$;

comment on function public.leave_waitlist(uuid, uuid) is
  'Takes the client (the caller, or p_client_id named by an owner/admin/provider) off the waitlist of a session and returns the entry (status left). Outbox waitlist.left. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND (not waiting, or no such session), FORBIDDEN.
@returns {entry_id: uuid, service_session_id: uuid, client_id: uuid, booking_kind: ''regular'' | ''trial'' | ''guest'', status: ''waiting'' | ''promoted'' | ''skipped'' | ''left'' | ''expired'', position: integer | null, waiting: integer, joined_at: timestamptz}';

revoke execute on function public.leave_waitlist(uuid, uuid) from public, anon;
grant execute on function public.leave_waitlist(uuid, uuid) to authenticated, service_role;
