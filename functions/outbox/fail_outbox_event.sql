-- fail_outbox_event(p_consumer, p_event_id, p_error): the attempt failed. The event is retried
-- after retry_base x 2^(attempt-1) (capped at retry_max), or dead-lettered once the consumer's
-- max_attempts are spent. A failure reported for an event already delivered (another worker
-- acked it after this one's lease ended) changes nothing.

create or replace function public.fail_outbox_event(p_consumer text, p_event_id bigint, p_error text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_consumer ops.outbox_consumers;
  v_delivery ops.outbox_deliveries;
  v_delay interval;
begin
  perform private.require_service_call('Only service_role reports outbox delivery failures.');
  v_consumer := private.require_outbox_consumer(p_consumer);
  if p_event_id is null then
    perform private.raise_error('INVALID_REQUEST', 'The event id is required.', 'p_event_id');
  end if;
  if p_error is null or btrim(p_error) = '' then
    perform private.raise_error('INVALID_REQUEST', 'Say why the delivery failed.', 'p_error');
  end if;

  select d.* into v_delivery
  from ops.outbox_deliveries d
  where d.consumer = p_consumer and d.event_id = p_event_id
  for update;
  if not found then
    perform private.raise_error('NOT_FOUND', 'This consumer has no such event.', 'p_event_id');
  end if;

  if v_delivery.status = 'pending' then
    if v_delivery.attempts >= v_consumer.max_attempts then
      update ops.outbox_deliveries d
      set status = 'dead', dead_at = now(), last_error = left(p_error, 2000)
      where d.consumer = p_consumer and d.event_id = p_event_id
      returning d.* into v_delivery;
    else
      v_delay := least(v_consumer.retry_max, v_consumer.retry_base * power(2, greatest(v_delivery.attempts - 1, 0)));
      update ops.outbox_deliveries d
      set available_at = clock_timestamp() + v_delay, last_error = left(p_error, 2000)
      where d.consumer = p_consumer and d.event_id = p_event_id
      returning d.* into v_delivery;
    end if;
  end if;

  return jsonb_build_object(
    'event_id', v_delivery.event_id,
    'status', case when v_delivery.status = 'pending' then 'retry' else v_delivery.status end,
    'attempts', v_delivery.attempts,
    'next_attempt_at', case when v_delivery.status = 'pending' then v_delivery.available_at end
  );
end
$$;

comment on function public.fail_outbox_event(text, bigint, text) is
  'Records a failed delivery attempt of an event for consumer p_consumer (service_role): retry after an exponential backoff, or dead letter once max_attempts are spent. Returns {event_id, status: retry|dead|delivered, attempts, next_attempt_at}. Errors: UNAUTHORIZED, FORBIDDEN, INVALID_REQUEST, NOT_FOUND.
@returns {event_id: integer, status: text, attempts: integer, next_attempt_at: timestamptz | null}';

revoke all on function public.fail_outbox_event(text, bigint, text) from public, anon, authenticated;
grant execute on function public.fail_outbox_event(text, bigint, text) to service_role;
