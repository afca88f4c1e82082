-- Spending a credit: every regular booking written to public.bookings, by whatever path (the
-- booking core behind book_session / book_individual_session / book_treatment, the recurring
-- dispatcher, a direct insert by staff), goes through this trigger. It fires after
-- bookings_before_write (trigger names order them), so start_time is already the session's.
--
-- INSERT of a live regular booking without subscription_id: the client's active subscription
-- in the organization is locked (select ... for update), so concurrent bookings of the same
-- client queue here and each counts the credits already spent by the ones before it:
--   * none active: pay-per-session (subscription_id stays null), unless the organization's
--     requires_subscription is on: NO_CREDITS_LEFT;
--   * active but the session is outside its validity, or no credit left: NO_CREDITS_LEFT;
--   * otherwise the booking spends a credit: subscription_id is set.
-- INSERT with a subscription_id, a changed subscription_id or a cancelled booking brought back
-- (service calls only) re-checks the balance under the same lock. Cancelling, completing and
-- no-shows spend nothing new: the buckets of private.subscription_usage account for them.

create or replace function private.bookings_spend_credit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_sub public.subscriptions;
  v_requires boolean;
  v_used integer;
  v_recheck boolean;
begin
  if new.booking_kind <> 'regular' or new.status = 'cancelled' then
    -- trial/guest never spend (bookings_subscription_kind_check); a cancelled row spends nothing new
    return new;
  end if;

  if tg_op = 'INSERT' and new.subscription_id is null then
    -- the unique index allows one active subscription; legacy duplicates: the oldest is spent.
    -- Twice at most: if the row we waited for stopped being active (a renewal closed it, the
    -- expiry job expired it), its successor is only visible to a new statement.
    for v_attempt in 1..2 loop
      select s.* into v_sub
      from public.subscriptions s
      where s.organization_id = new.organization_id
        and s.client_id = new.client_id
        and s.status = 'active'
      order by s.starts_at, s.id
      limit 1
      for update;
      exit when v_sub.id is not null;
    end loop;

    if v_sub.id is null then
      select os.requires_subscription into v_requires
      from public.organization_settings os
      where os.organization_id = new.organization_id;
      if coalesce(v_requires, false) then
        perform private.raise_error(
          'NO_CREDITS_LEFT',
          'This organization requires an active subscription to book, and the client has none.',
          'p_client_id'
        );
      end if;
      return new;  -- pay-per-session: the booking keeps the service's price snapshot
    end if;

    if new.start_time < v_sub.starts_at
       or (v_sub.expires_at is not null and new.start_time >= v_sub.expires_at) then
      perform private.raise_error(
        'NO_CREDITS_LEFT',
        format('The client''s subscription is valid from %s to %s; its credits cannot be spent on a session starting %s.',
               v_sub.starts_at, coalesce(v_sub.expires_at::text, 'no expiry'), new.start_time),
        'p_starts_at'
      );
    end if;

    -- a new statement, so a new snapshot: it sees every booking committed before our lock
    v_used := private.subscription_credits_used(v_sub.id);
    if v_used >= v_sub.total_sessions then
      perform private.raise_error(
        'NO_CREDITS_LEFT',
        format('No credits left: all %s credits of the client''s subscription are used or booked.', v_sub.total_sessions),
        'p_client_id'
      );
    end if;
    new.subscription_id := v_sub.id;
    return new;
  end if;

  if new.subscription_id is null then
    return new;
  end if;

  v_recheck := tg_op = 'INSERT'
    or new.subscription_id is distinct from old.subscription_id
    or old.status = 'cancelled';

  if v_recheck then
    select s.* into v_sub
    from public.subscriptions s
    where s.id = new.subscription_id
    for update;
    if v_sub.id is null or v_sub.client_id <> new.client_id or v_sub.organization_id <> new.organization_id then
      return new;  -- not this client's subscription: the foreign key reports it (23503)
    end if;
    if v_sub.status <> 'active' and not private.is_service_call() then
      perform private.raise_error(
        'NO_CREDITS_LEFT',
        format('This subscription is %s: its credits cannot be spent.', v_sub.status),
        'subscription_id'
      );
    end if;
    v_used := private.subscription_credits_used(v_sub.id, new.id);
    if v_used >= v_sub.total_sessions then
      perform private.raise_error(
        'NO_CREDITS_LEFT',
        format('No credits left: all %s credits of this subscription are used or booked.', v_sub.total_sessions),
        'subscription_id'
      );
    end if;
  end if;
  return new;
end
$$;

comment on function private.bookings_spend_credit() is
  'BEFORE INSERT/UPDATE trigger on bookings: a live regular booking spends a credit of the client''s active subscription (chosen and locked by the database; NO_CREDITS_LEFT when none remain, when the session is outside the subscription''s validity, or when the organization requires a subscription and the client has none; otherwise pay-per-session). Re-checks the balance under the lock when a subscription is named or changed.';

revoke all on function private.bookings_spend_credit() from public, anon;
