-- release_outbox_events(p_consumer, p_event_ids): a worker hands back claimed events it has not
-- tried (shutting down): they are claimable again at once, and the claim does not count as an
-- attempt. Events not currently claimed are left alone.

create or replace function public.release_outbox_events(p_consumer text, p_event_ids bigint[])
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_released integer;
begin
  perform private.require_outbox_batch(p_consumer, p_event_ids, 'release');

  update ops.outbox_deliveries d
  set available_at = clock_timestamp(),
      attempts = greatest(d.attempts - 1, 0)
  where d.consumer = p_consumer
    and d.event_id = any (p_event_ids)
    and d.status = 'pending'
    and d.available_at > clock_timestamp();
  get diagnostics v_released = row_count;
  return v_released;
end
$$;

comment on function public.release_outbox_events(text, bigint[]) is
  'Hands claimed, untried events back (service_role; a worker shutting down): claimable again at once, the claim not counted as an attempt. Returns how many were released. Errors: UNAUTHORIZED, FORBIDDEN, INVALID_REQUEST, NOT_FOUND.';

revoke all on function public.release_outbox_events(text, bigint[]) from public, anon, authenticated;
grant execute on function public.release_outbox_events(text, bigint[]) to service_role;
