-- upsert_session_note: the provider of a booking writes (or amends, until it locks) its note.

create or replace function public.upsert_session_note(
  p_booking_id uuid,
  p_notes text default null,
  p_follow_up_actions text default null,
  p_next_session_recommendation text default null,
  p_metadata jsonb default null
)
returns public.session_notes
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_service_call boolean := private.is_service_call();
  v_booking public.bookings;
  v_note public.session_notes;
begin
  perform private.require_caller();
  if p_booking_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A booking id is required.', 'p_booking_id');
  end if;
  if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
    perform private.raise_error('INVALID_REQUEST', 'metadata must be a JSON object.', 'p_metadata');
  end if;

  select b.* into v_booking from public.bookings b where b.id = p_booking_id;
  if v_booking.id is null or (not v_service_call and not private.is_member(v_booking.organization_id)) then
    perform private.raise_error('NOT_FOUND', 'Booking not found.', 'p_booking_id');
  end if;
  if not v_service_call and v_uid is distinct from v_booking.provider_id then
    perform private.raise_error('FORBIDDEN', 'Only the provider of the booking writes its session note.', 'p_booking_id');
  end if;
  if v_booking.status = 'cancelled' then
    perform private.raise_error('ALREADY_CANCELLED', 'This booking is cancelled.', 'p_booking_id');
  end if;

  -- null arguments keep what is there; an empty string clears a field
  select n.* into v_note from public.session_notes n where n.booking_id = p_booking_id for update;
  if v_note.id is null then
    if coalesce(btrim(p_notes), '') = '' and coalesce(btrim(p_follow_up_actions), '') = ''
       and coalesce(btrim(p_next_session_recommendation), '') = '' then
      perform private.raise_error('INVALID_REQUEST', 'A note needs some text.', 'p_notes');
    end if;
    insert into public.session_notes (booking_id, provider_id, notes, follow_up_actions, next_session_recommendation, metadata)
    values (p_booking_id, v_booking.provider_id, nullif(btrim(p_notes), ''), nullif(btrim(p_follow_up_actions), ''),
            nullif(btrim(p_next_session_recommendation), ''), coalesce(p_metadata, '{}'::jsonb))
    on conflict (booking_id) do nothing
    returning * into v_note;
    if v_note.id is not null then
      return v_note;
    end if;
    -- a concurrent first write won: amend it like any later write
    select n.* into v_note from public.session_notes n where n.booking_id = p_booking_id for update;
  end if;

  if now() >= v_note.locks_at then
    perform private.raise_error(
      'NOTE_LOCKED',
      format('This note was locked at %s and can no longer be changed.', v_note.locks_at),
      'p_booking_id'
    );
  end if;
  update public.session_notes n
  set notes = case when p_notes is null then n.notes else nullif(btrim(p_notes), '') end,
      follow_up_actions = case when p_follow_up_actions is null then n.follow_up_actions else nullif(btrim(p_follow_up_actions), '') end,
      next_session_recommendation = case when p_next_session_recommendation is null then n.next_session_recommendation
                                         else nullif(btrim(p_next_session_recommendation), '') end,
      metadata = coalesce(p_metadata, n.metadata)
  where n.id = v_note.id
  returning n.* into v_note;
  return v_note;
end
$$;

comment on function public.upsert_session_note(uuid, text, text, text, jsonb) is
  'Creates or amends the session note of a booking (only the booking''s provider) and returns it; null arguments keep the current value, an empty string clears it. The note locks note_lock_hours after creation. Errors: UNAUTHORIZED, INVALID_REQUEST (hint p_booking_id, p_notes or p_metadata), NOT_FOUND, FORBIDDEN, ALREADY_CANCELLED (PT409), NOTE_LOCKED (PT422); clearing every text field violates session_notes_not_empty (23514).';

revoke execute on function public.upsert_session_note(uuid, text, text, text, jsonb) from public, anon;
grant execute on function public.upsert_session_note(uuid, text, text, text, jsonb) to authenticated, service_role;
