-- private.integrity_checks: every invariant the product relies on, as (violations, up to 10
-- sample ids). Read by integrity_report() (and so by `sessionkit audit`, the backfills' pre/post
-- reports and the nightly snapshot). Each check is written so that a healthy database answers 0;
-- a test per invariant (supabase/tests/database/test_integrity_report.sql) creates a violation
-- behind the constraints' back and sees it counted. p_organization_id null = every organization.

create or replace function private.integrity_checks(p_organization_id uuid default null)
returns table (ordinal integer, name text, description text, violations bigint, sample_ids text[])
language plpgsql
stable
security definer
set search_path = ''
-- one plan per call, with the organization filter folded in (a generic plan would scan everything)
set plan_cache_mode = force_custom_plan
-- JIT compiling these plans costs more than it saves (0.4 s of a one-organization report)
set jit = off
-- over every organization the checks hash and sort about a row per booking: in memory (1,000,000
-- bookings: a hash of ~950,000 sessions), not in batches spilled to disk
set work_mem = '256MB'
as $$
begin
  return query
  with v as (
    select b.id from public.bookings b
    where b.service_session_id is null
      and (p_organization_id is null or b.organization_id = p_organization_id)
  )
  select 1, 'bookings_without_service_session',
    'Bookings not linked to a service session (sample: booking ids). Legacy 1-to-1 bookings until the service_sessions backfill has run.',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select b.id from public.bookings b
    join public.organization_settings os on os.organization_id = b.organization_id
    where os.requires_subscription
      and b.booking_kind = 'regular'
      and b.subscription_id is null
      and b.status <> 'cancelled'
      and (p_organization_id is null or b.organization_id = p_organization_id)
  )
  select 2, 'regular_bookings_without_required_subscription',
    'Live or past regular bookings that spent no credit in an organization that requires a subscription (sample: booking ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select b.id from public.bookings b
    where b.booking_kind in ('trial', 'guest')
      and b.subscription_id is not null
      and (p_organization_id is null or b.organization_id = p_organization_id)
  )
  select 3, 'trial_guest_bookings_with_subscription',
    'Trial or guest bookings linked to a subscription: they must never spend a credit (sample: booking ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select s.client_id as id from public.subscriptions s
    where s.status = 'active'
      and (p_organization_id is null or s.organization_id = p_organization_id)
    group by s.organization_id, s.client_id
    having count(*) > 1
  )
  select 4, 'clients_with_multiple_active_subscriptions',
    'Clients holding more than one active subscription in an organization (sample: client ids). The subscription_links backfill resolves them.',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with usage as (
    select b.subscription_id,
           count(*) as linked,
           count(*) filter (where b.status in ('completed', 'pending', 'confirmed', 'no_show')
                               or (b.status = 'cancelled'
                                   and c.cancellation_policy_applied in ('credit_restored', 'credit_forfeited'))) as classified
    from public.bookings b
    left join public.booking_cancellations c on c.booking_id = b.id
    where b.subscription_id is not null
      and (p_organization_id is null or b.organization_id = p_organization_id)
    group by b.subscription_id
  ),
  v as (
    select u.subscription_id as id from usage u where u.linked <> u.classified
  )
  select 5, 'subscription_balance_math',
    'Subscriptions whose credits do not add up: a booking that spent a credit is neither completed, scheduled, forfeited nor restored (cancelled without a credit_restored/credit_forfeited record), so completed + scheduled + forfeited + remaining = total cannot be trusted (sample: subscription ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with used as (
    select b.subscription_id, count(*) as n
    from public.bookings b
    left join public.booking_cancellations c on c.booking_id = b.id
    where b.subscription_id is not null
      and (b.status in ('pending', 'confirmed', 'completed', 'no_show')
           or (b.status = 'cancelled' and c.cancellation_policy_applied = 'credit_forfeited'))
      and (p_organization_id is null or b.organization_id = p_organization_id)
    group by b.subscription_id
  ),
  v as (
    select s.id from public.subscriptions s
    join used u on u.subscription_id = s.id
    where s.total_sessions - u.n < 0
  )
  select 6, 'negative_remaining_credits',
    'Subscriptions with more credits spent (completed + scheduled + forfeited) than they hold: remaining < 0 (sample: subscription ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with live as (
    select b.service_session_id, count(*) as n
    from public.bookings b
    where b.service_session_id is not null
      and b.status <> 'cancelled'
      and (p_organization_id is null or b.organization_id = p_organization_id)
    group by b.service_session_id
  ),
  v as (
    select ss.id from public.service_sessions ss
    left join live l on l.service_session_id = ss.id
    where ss.current_participants <> coalesce(l.n, 0)
      and (p_organization_id is null or ss.organization_id = p_organization_id)
  )
  select 7, 'session_participants_mismatch',
    'Service sessions whose current_participants differs from their number of non-cancelled bookings (sample: service session ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select b.id from public.bookings b
    where b.status = 'cancelled'
      and not exists (select 1 from public.booking_cancellations c where c.booking_id = b.id)
      and (p_organization_id is null or b.organization_id = p_organization_id)
  )
  select 8, 'cancelled_bookings_without_cancellation',
    'Cancelled bookings without their booking_cancellations record (sample: booking ids). Legacy cancellations until the cancellations backfill has run.',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select c.booking_id as id from public.booking_cancellations c
    join public.bookings b on b.id = c.booking_id
    where b.status <> 'cancelled'
      and (p_organization_id is null or c.organization_id = p_organization_id)
  )
  select 9, 'cancellations_of_uncancelled_bookings',
    'booking_cancellations records whose booking is not cancelled (sample: booking ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  -- each overlapping pair of a provider's live sessions once (least id first), whichever side
  -- belongs to the organization. In start order, a session overlaps an earlier one exactly when it
  -- starts before the latest end among the provider's earlier sessions: one sort of the sessions
  -- (of the organization's providers) finds those, and only their pairs are looked up (none in a
  -- healthy database). A self-join of each provider's sessions would compare 100 x 100 of them.
  with scope as materialized (
    select s.id, s.provider_id, s.organization_id, s.starts_at, s.ends_at
    from public.service_sessions s
    where p_organization_id is null
      and s.status <> 'cancelled'
    union all
    select s.id, s.provider_id, s.organization_id, s.starts_at, s.ends_at
    from (select distinct x.provider_id from public.service_sessions x where x.organization_id = p_organization_id) as pr
    join public.service_sessions s on s.provider_id = pr.provider_id
    where p_organization_id is not null
      and s.status <> 'cancelled'
  ),
  late as (
    select w.id, w.provider_id, w.organization_id, w.starts_at
    from (
      select sc.*, max(sc.ends_at) over (
               partition by sc.provider_id order by sc.starts_at, sc.id
               rows between unbounded preceding and 1 preceding) as earlier_end
      from scope sc
    ) w
    where w.earlier_end > w.starts_at
  ),
  v as (
    select distinct least(l.id, e.id) as id, greatest(l.id, e.id) as other_id
    from late l
    join scope e
      on e.provider_id = l.provider_id
     and e.id <> l.id
     and e.starts_at <= l.starts_at
     and e.ends_at > l.starts_at
    where p_organization_id is null or l.organization_id = p_organization_id or e.organization_id = p_organization_id
  )
  select 10, 'overlapping_provider_sessions',
    'Pairs of non-cancelled service sessions of the same provider that overlap in time (sample: the first session of each pair).',
    (select count(*) from v), array(select distinct v.id::text from v order by 1 limit 10);

  return query
  with v as (
    select b.id from public.bookings b
    left join public.subscriptions s on s.id = b.subscription_id
    where b.subscription_id is not null
      and (s.id is null or s.client_id <> b.client_id or s.organization_id <> b.organization_id)
      and (p_organization_id is null or b.organization_id = p_organization_id)
  )
  select 11, 'bookings_with_foreign_subscription',
    'Bookings whose subscription belongs to another client or another organization, or no longer exists (sample: booking ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select b.id from public.booking_cancellations c
    join public.bookings b on b.id = c.booking_id
    where ((b.subscription_id is null and c.cancellation_policy_applied <> 'no_refund')
           or (b.subscription_id is not null and c.cancellation_policy_applied = 'no_refund'))
      and (p_organization_id is null or b.organization_id = p_organization_id)
  )
  select 12, 'cancellation_policy_mismatch',
    'Cancellations whose credit policy contradicts the booking: a credit restored or forfeited although none was spent, or no_refund although one was (sample: booking ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select s.id from public.subscriptions s
    where s.status = 'active'
      and s.expires_at < now() - interval '1 day'
      and (p_organization_id is null or s.organization_id = p_organization_id)
  )
  select 13, 'active_subscriptions_past_expiry',
    'Subscriptions still active more than a day after expires_at: the expire-subscriptions pg_cron job is not running (sample: subscription ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select ss.id from public.service_sessions ss
    where ss.status <> 'cancelled'
      and ss.ends_at > now()
      and (p_organization_id is null or ss.organization_id = p_organization_id)
      and not exists (
        select 1 from private.provider_memberships() m
        where m.organization_id = ss.organization_id
          and m.user_id = ss.provider_id)
  )
  select 14, 'sessions_of_non_members',
    'Upcoming sessions of a provider without an accepted provider-capable membership of the session''s organization: they still block that person''s time everywhere (exclusion constraint) although no slot search counts them - legacy data, or an organization that placed a stranger on its calendar before invitations existed (sample: service session ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select d.consumer || ':' || d.event_id as id from ops.outbox_deliveries d
    where d.status = 'dead'
      and (p_organization_id is null or d.organization_id = p_organization_id)
  )
  select 15, 'outbox_dead_letters',
    'Outbox events a consumer gave up on after its last retry (dead letters): the receiver kept failing. Fix it, then requeue_outbox_events (sample: consumer:event id).',
    (select count(*) from v), array(select v.id from v order by v.id limit 10);

  return query
  with v as (
    select o.name as id from storage.objects o
    where o.bucket_id = 'meeting-recordings'
      and (p_organization_id is null or o.name like p_organization_id::text || '/%')
      and not exists (
        select 1 from public.meeting_recordings r
        where r.storage_path = o.name
          and r.organization_id = private.uuid_or_null((storage.foldername(o.name))[1])
      )
  )
  select 16, 'orphaned_recording_objects',
    'Files in the meeting-recordings bucket without the recording row of their organization that would let anyone but service_role read them, and that retention would never remove (sample: object paths).',
    (select count(*) from v), array(select v.id from v order by v.id limit 10);

  return query
  with v as (
    select e.id from public.waitlist_entries e
    join public.service_sessions ss on ss.id = e.service_session_id
    where e.status = 'waiting'
      and ss.status = 'scheduled'
      and ss.starts_at > now()
      and ss.current_participants < ss.max_participants
      and (p_organization_id is null or e.organization_id = p_organization_id)
  )
  select 17, 'waiting_behind_free_places',
    'Clients still waiting for an upcoming session that has a free place: a freed place was not given to the first in line (the promotion trigger was bypassed). Sample: waitlist entry ids; private.promote_waitlist(session) fills them.',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select b.id from public.recurring_booking_exceptions x
    join public.bookings b
      on b.recurring_booking_id = x.recurring_booking_id
     and b.recurring_occurrence_date = x.occurrence_date
    where x.kind = 'skipped'
      and b.status in ('pending', 'confirmed')
      and (p_organization_id is null or x.organization_id = p_organization_id)
  )
  select 18, 'skipped_occurrences_with_live_bookings',
    'Occurrences of recurring series marked skipped whose booking is still live: skipping a booked occurrence cancels its booking (skip_recurring_occurrence), so the client would be expected for a session they skipped (sample: booking ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);

  return query
  with v as (
    select b.id from public.bookings b
    where b.status = 'pending'
      and b.approval_expires_at is not null
      and least(b.approval_expires_at, b.start_time) < now() - interval '1 hour'
      and (p_organization_id is null or b.organization_id = p_organization_id)
  )
  select 19, 'pending_bookings_past_deadline',
    'Bookings still awaiting approval more than an hour after their answer deadline (or start): they hold a slot and a credit nobody will release - the expire-pending-bookings pg_cron job is not running (sample: booking ids).',
    (select count(*) from v), array(select v.id::text from v order by v.id limit 10);
end
$$;

comment on function private.integrity_checks(uuid) is
  'Every integrity invariant with its violation count and up to 10 sample ids, for one organization or (null) all. Called by integrity_report(); no access check of its own.';

revoke all on function private.integrity_checks(uuid) from public, anon, authenticated;
grant execute on function private.integrity_checks(uuid) to service_role;
