-- Shared pieces of the series RPCs (issue 14: skip, move, change, pause, resume, schedule):
-- who may act on a series, whether a date is one of its occurrences, and how a change of a
-- series is recorded (audit_log entry + outbox event in the same transaction).

create or replace function private.series_for_party(p_recurring_booking_id uuid, p_lock boolean default true)
returns public.recurring_bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_service_call boolean := private.is_service_call();
  v_series public.recurring_bookings;
begin
  perform private.require_caller();
  if p_recurring_booking_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A recurring booking id is required.', 'p_recurring_booking_id');
  end if;
  if p_lock then
    -- the parties' memberships before the series row (lock order, as the dispatcher's: a leave
    -- holds the membership, then ends the member's series; an edit may book or continue it)
    perform private.lock_memberships(array[r.organization_id, r.organization_id], array[r.user_id, r.specialist_id])
    from public.recurring_bookings as r
    where r.id = p_recurring_booking_id;
    -- the dispatcher's claim skips a locked series (skip locked): it is handled by the next run,
    -- with the edit in place; concurrent edits of one series run one after the other
    select r.* into v_series from public.recurring_bookings as r where r.id = p_recurring_booking_id for no key update;
  else
    select r.* into v_series from public.recurring_bookings as r where r.id = p_recurring_booking_id;
  end if;
  if v_series.id is null or (not v_service_call and not private.is_member(v_series.organization_id)) then
    perform private.raise_error('NOT_FOUND', 'Recurring booking not found.', 'p_recurring_booking_id');
  end if;
  if not v_service_call
     and v_uid is distinct from v_series.user_id
     and v_uid is distinct from v_series.specialist_id
     and not private.has_role(v_series.organization_id, array['owner', 'admin']) then
    perform private.raise_error(
      'FORBIDDEN',
      'Only the series'' client, the provider who runs it or an owner/admin can do this.',
      'p_recurring_booking_id'
    );
  end if;
  return v_series;
end
$$;

comment on function private.series_for_party(uuid, boolean) is
  'The recurring series a series RPC acts on (locked for no key update unless p_lock is false, after its client''s and provider''s memberships for share: private.lock_memberships), after the access check: its client, the provider who runs it, an owner/admin of its organization, or a service call. Raises UNAUTHORIZED, INVALID_REQUEST (no id), NOT_FOUND (absent, or the caller is not an accepted member of its organization), FORBIDDEN (another member); hints p_recurring_booking_id.';

revoke all on function private.series_for_party(uuid, boolean) from public, anon, authenticated;
grant execute on function private.series_for_party(uuid, boolean) to service_role;

create or replace function private.assert_series_occurrence(p_series public.recurring_bookings, p_occurrence_date date)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not private.recurring_is_occurrence(p_series.start_date, p_series.frequency, p_occurrence_date)
     or p_occurrence_date < coalesce(p_series.valid_from, p_series.start_date)
     or p_occurrence_date > p_series.end_date then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('%s is not an occurrence of this series (%s from %s%s).', p_occurrence_date, p_series.frequency,
             coalesce(p_series.valid_from, p_series.start_date),
             coalesce(' to ' || p_series.end_date, '')),
      'p_occurrence_date'
    );
  end if;
end
$$;

comment on function private.assert_series_occurrence(public.recurring_bookings, date) is
  'INVALID_REQUEST (hint p_occurrence_date) unless the date is an occurrence of the series: on its rule''s grid, from its start (valid_from for a continuation) up to its end.';

revoke all on function private.assert_series_occurrence(public.recurring_bookings, date) from public, anon, authenticated;
grant execute on function private.assert_series_occurrence(public.recurring_bookings, date) to service_role;

create or replace function private.record_series_change(
  p_series public.recurring_bookings,
  p_action text,
  p_old_values jsonb,
  p_new_values jsonb
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.write_audit(p_series.organization_id, p_action, 'recurring_bookings', p_series.id, p_old_values, p_new_values);
  perform private.emit_event(p_series.organization_id, p_action, jsonb_build_object(
    'recurring_booking_id', p_series.id,
    'client_id', p_series.user_id,
    'provider_id', p_series.specialist_id,
    'service_id', p_series.service_id,
    'changed_by', (select auth.uid())
  ) || coalesce(p_new_values, '{}'::jsonb));
end
$$;

comment on function private.record_series_change(public.recurring_bookings, text, jsonb, jsonb) is
  'Records a change of a recurring series in the transaction that makes it: an audit_log entry (action p_action, old and new values) and an outbox event of topic p_action carrying the series'' parties and the new values.';

revoke all on function private.record_series_change(public.recurring_bookings, text, jsonb, jsonb) from public, anon, authenticated;
grant execute on function private.record_series_change(public.recurring_bookings, text, jsonb, jsonb) to service_role;

create or replace function private.assert_series_members(
  p_series public.recurring_bookings,
  p_client_hint text,
  p_provider_hint text
)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- leaving ends a member's series (organization_members_guard_departure); a resume must not
  -- bring it back for someone who is no longer a member. A leave running at the same moment
  -- waits for the resumed row and ends it again (its update re-reads the row).
  if private.member_role(p_series.organization_id, p_series.user_id) is distinct from 'client' then
    perform private.raise_error('NOT_FOUND', 'Client not found in this organization: the series ended when they left.', p_client_hint);
  end if;
  if not exists (
    select 1
    from private.provider_memberships() as m
    where m.organization_id = p_series.organization_id and m.user_id = p_series.specialist_id
  ) then
    perform private.raise_error('NOT_FOUND', 'Provider not found in this organization: the series ended when they left.', p_provider_hint);
  end if;
end
$$;

comment on function private.assert_series_members(public.recurring_bookings, text, text) is
  'NOT_FOUND unless the series'' client is still an accepted client and its provider an accepted owner/admin/provider of its organization (hints p_client_hint, p_provider_hint): a resumed series (resume_recurring_booking, a direct update of is_active) does not come back for someone who left.';

revoke all on function private.assert_series_members(public.recurring_bookings, text, text) from public, anon, authenticated;
grant execute on function private.assert_series_members(public.recurring_bookings, text, text) to service_role;
