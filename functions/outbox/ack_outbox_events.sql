-- ack_outbox_events(p_consumer, p_event_ids): the consumer delivered these events. Idempotent:
-- acking an event twice, or one that is not the consumer's, changes nothing. A dead letter
-- that was delivered after all (a slow attempt succeeded) is acked too.

create or replace function public.ack_outbox_events(p_consumer text, p_event_ids bigint[])
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_acked integer;
begin
  perform private.require_outbox_batch(p_consumer, p_event_ids, 'acknowledge');

  update ops.outbox_deliveries d
  set status = 'delivered',
      delivered_at = now(),
      dead_at = null
  where d.consumer = p_consumer
    and d.event_id = any (p_event_ids)
    and d.status in ('pending', 'dead');
  get diagnostics v_acked = row_count;
  return v_acked;
end
$$;

comment on function public.ack_outbox_events(text, bigint[]) is
  'Marks the events delivered for consumer p_consumer (service_role); returns how many changed (already delivered or unknown ids are ignored). Errors: UNAUTHORIZED, FORBIDDEN, INVALID_REQUEST, NOT_FOUND (no such consumer).';

revoke all on function public.ack_outbox_events(text, bigint[]) from public, anon, authenticated;
grant execute on function public.ack_outbox_events(text, bigint[]) to service_role;
