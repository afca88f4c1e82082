-- requeue_outbox_events(p_consumer, p_event_ids): an operator sends dead letters round again
-- (after fixing the receiver): pending, attempts from zero, claimable at once.

create or replace function public.requeue_outbox_events(p_consumer text, p_event_ids bigint[])
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_requeued integer;
begin
  perform private.require_outbox_batch(p_consumer, p_event_ids, 'requeue');

  update ops.outbox_deliveries d
  set status = 'pending', dead_at = null, attempts = 0, available_at = clock_timestamp()
  where d.consumer = p_consumer
    and d.event_id = any (p_event_ids)
    and d.status = 'dead';
  get diagnostics v_requeued = row_count;
  return v_requeued;
end
$$;

comment on function public.requeue_outbox_events(text, bigint[]) is
  'Sends dead-lettered events of consumer p_consumer round again (service_role): pending, attempts reset, claimable now. Returns how many. Errors: UNAUTHORIZED, FORBIDDEN, INVALID_REQUEST, NOT_FOUND.';

revoke all on function public.requeue_outbox_events(text, bigint[]) from public, anon, authenticated;
grant execute on function public.requeue_outbox_events(text, bigint[]) to service_role;
