-- book_next_treatment_session: continue a treatment with its next session (seed 004): never
-- beyond its total, never out of order, never closer to the neighbouring sessions than the
-- service's gap, and for sequential treatments only once the previous session is completed.

create or replace function public.book_next_treatment_session(
  p_session_group_id uuid,
  p_starts_at timestamptz
)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_progress jsonb;
  v_org uuid;
  v_client uuid;
  v_provider uuid;
  v_service public.services;
  v_total integer;
  v_next integer;
begin
  perform private.require_caller();
  if p_session_group_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A session group id is required.', 'p_session_group_id');
  end if;
  if p_starts_at is null then
    perform private.raise_error('INVALID_REQUEST', 'A start time is required.', 'p_starts_at');
  end if;
  perform private.require_sane_timestamp(p_starts_at, 'p_starts_at');

  -- one continuation (or move) at a time per treatment: the group's bookings are locked, in id
  -- order as reschedule_booking locks them
  perform 1 from public.bookings as b where b.session_group_id = p_session_group_id order by b.id for update;

  v_progress := private.treatment_progress_of(p_session_group_id);
  v_org := (v_progress ->> 'organization_id')::uuid;
  v_client := (v_progress ->> 'client_id')::uuid;
  if v_progress is null or not (
    private.is_service_call()
    or v_client = v_uid and private.is_member(v_org)
    or private.has_role(v_org, array['owner', 'admin', 'provider'])
  ) then
    perform private.raise_error('NOT_FOUND', 'Treatment not found.', 'p_session_group_id');
  end if;
  -- who may book for whom: exactly as for a single booking (the client, or staff for them)
  perform private.resolve_booking_client(v_org, v_client, 'p_session_group_id');

  select sv.* into v_service from public.services sv where sv.id = (v_progress ->> 'service_id')::uuid;
  v_provider := (v_progress ->> 'provider_id')::uuid;
  v_total := (v_progress ->> 'total_sessions')::integer;
  v_next := (v_progress ->> 'next_session_number')::integer;

  if v_next is null then
    perform private.raise_error(
      'NO_SESSIONS_REMAINING',
      format('All %s sessions of this treatment are booked.', v_total),
      'p_session_group_id'
    );
  end if;

  if v_service.multi_session_strategy = 'sequential' and exists (
    select 1 from public.bookings as b
    where b.session_group_id = p_session_group_id
      and b.session_number < v_next
      and b.status in ('pending', 'confirmed')
  ) then
    perform private.raise_error(
      'PREVIOUS_SESSION_NOT_COMPLETED',
      format('Session %s can be booked once session %s is completed.', v_next, v_next - 1),
      'p_session_group_id'
    );
  end if;

  -- the live session before and after the new one keep their order and their gaps: the booking
  -- rule treatment_order, asked by the booking core with the rest
  return private.book_treatment_session(
    v_service.id, v_provider, p_starts_at, v_client, p_session_group_id, v_next, v_total
  );
end
$$;

comment on function public.book_next_treatment_session(uuid, timestamptz) is
  'Books the next session of a treatment (the lowest session number no pending/confirmed/completed booking holds) at p_starts_at with the treatment''s provider, through the normal booking rules and credits. Sequential treatments: only once every earlier session is completed. The new session keeps the service''s gap (session_buffer_config, else 7 days) after the previous session and before a later one. For the treatment''s client and staff acting for them. Errors: those of book_individual_session, NOT_FOUND, NO_SESSIONS_REMAINING, PREVIOUS_SESSION_NOT_COMPLETED, TREATMENT_BUFFER_NOT_MET (PT422).';

revoke execute on function public.book_next_treatment_session(uuid, timestamptz) from public, anon;
grant execute on function public.book_next_treatment_session(uuid, timestamptz) to authenticated, service_role;
