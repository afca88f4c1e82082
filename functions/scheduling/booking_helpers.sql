-- Shared pieces of every booking path: who the booking is for, the provider lock and the session
-- type (and so the length) that applies. The booking rules themselves live in functions/rules/.

create or replace function private.lock_provider(p_provider_id uuid)
returns void
language sql
set search_path = ''
as $$
  -- transaction-scoped: check-then-insert of a provider's sessions (buffers, daily limits)
  -- never interleaves; the exclusion constraint stays the last line of defence
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('sessionkit.provider:' || p_provider_id::text, 0))
$$;

comment on function private.lock_provider(uuid) is
  'Serialises schedule changes of one provider until the end of the transaction (advisory lock).';

revoke all on function private.lock_provider(uuid) from public, anon, authenticated;
grant execute on function private.lock_provider(uuid) to service_role;

create or replace function private.resolve_booking_client(
  p_organization_id uuid,
  p_client_id uuid,
  p_not_found_hint text,
  out client_id uuid,
  out is_staff boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_role text;
begin
  if private.is_service_call() then
    if p_client_id is null then
      perform private.raise_error('INVALID_REQUEST', 'Name the client (p_client_id).', 'p_client_id');
    end if;
    if private.member_role(p_organization_id, p_client_id) is distinct from 'client' then
      perform private.raise_error('NOT_FOUND', 'Client not found in this organization.', 'p_client_id');
    end if;
    client_id := p_client_id;
    is_staff := true;
    return;
  end if;

  perform private.require_caller();  -- not a service call here: UNAUTHORIZED when v_uid is null
  v_role := private.member_role(p_organization_id, v_uid);
  if v_role is null then
    perform private.raise_error('NOT_FOUND', 'Not found.', p_not_found_hint);
  end if;

  if p_client_id is null or p_client_id = v_uid then
    if v_role <> 'client' then
      perform private.raise_error(
        'FORBIDDEN',
        'Only clients book for themselves; owners, admins and providers name the client with p_client_id.',
        'p_client_id'
      );
    end if;
    client_id := v_uid;
    is_staff := false;
    return;
  end if;

  if v_role not in ('owner', 'admin', 'provider') then
    perform private.raise_error('FORBIDDEN', 'Only owners, admins and providers book for another client.', 'p_client_id');
  end if;
  if private.member_role(p_organization_id, p_client_id) is distinct from 'client' then
    perform private.raise_error('NOT_FOUND', 'Client not found in this organization.', 'p_client_id');
  end if;
  client_id := p_client_id;
  is_staff := true;
end
$$;

comment on function private.resolve_booking_client(uuid, uuid, text) is
  'Who a booking is for: the calling client (p_client_id null or self), or a client of the organization named by an owner/admin/provider (or service_role). Raises UNAUTHORIZED, NOT_FOUND (caller not a member: hint p_not_found_hint; client not a client of the org: hint p_client_id), FORBIDDEN, INVALID_REQUEST.';

revoke all on function private.resolve_booking_client(uuid, uuid, text) from public, anon, authenticated;
grant execute on function private.resolve_booking_client(uuid, uuid, text) to service_role;

create or replace function private.session_type_for(
  p_organization_id uuid,
  p_session_type_id uuid,
  p_service_session_type_id uuid,
  out session_type_id uuid,
  out duration_minutes integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- the one named, else the service's, else the organization default (or its only active type);
  -- whether it may be used is the booking rule session_type's to say
  session_type_id := coalesce(p_session_type_id, p_service_session_type_id, private.applicable_session_type(p_organization_id));
  select st.duration_minutes into duration_minutes
  from public.session_types st
  where st.id = session_type_id and st.organization_id = p_organization_id;
end
$$;

comment on function private.session_type_for(uuid, uuid, uuid) is
  'The session type a new session gets (named, else the service''s, else the organization default) and its length (null when it is not one of the organization''s). Raises nothing: the booking rule session_type judges it.';

revoke all on function private.session_type_for(uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function private.session_type_for(uuid, uuid, uuid) to service_role;

create or replace function private.resolve_session_type(
  p_organization_id uuid,
  p_session_type_id uuid,
  p_service_session_type_id uuid
)
returns public.session_types
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_id uuid := (private.session_type_for(p_organization_id, p_session_type_id, p_service_session_type_id)).session_type_id;
  v_failure record;
  v_type public.session_types;
begin
  select f.code, f.detail into v_failure
  from private.rule_session_type(
    array[private.new_candidate(purpose => 'schedule', organization_id => p_organization_id, session_type_id => v_id)],
    false
  ) as f;
  if found then
    perform private.raise_error(v_failure.code, v_failure.detail, 'p_session_type_id');
  end if;
  select st.* into v_type from public.session_types st where st.id = v_id;
  return v_type;
end
$$;

comment on function private.resolve_session_type(uuid, uuid, uuid) is
  'The session type of a new session: the one named, else the service''s, else the organization default (or its only active type), checked by the booking rule session_type: INVALID_REQUEST (none applies), NOT_FOUND, SESSION_TYPE_INACTIVE (hint p_session_type_id).';

revoke all on function private.resolve_session_type(uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function private.resolve_session_type(uuid, uuid, uuid) to service_role;

create or replace function private.validate_booking_kind(p_booking_kind text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if p_booking_kind is null or p_booking_kind not in ('regular', 'trial', 'guest') then
    perform private.raise_error('INVALID_REQUEST', 'The booking kind must be regular, trial or guest.', 'p_booking_kind');
  end if;
end
$$;

comment on function private.validate_booking_kind(text) is
  'INVALID_REQUEST (hint p_booking_kind) unless regular, trial or guest.';

revoke all on function private.validate_booking_kind(text) from public, anon, authenticated;
grant execute on function private.validate_booking_kind(text) to service_role;
