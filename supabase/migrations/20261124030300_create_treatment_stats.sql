-- Multi-session treatments 3/6: dashboard figures per organization (seed 004, Dashboard stats).
-- Why: the admin dashboard shows active treatments and the completion rate; computed from the
-- bookings of each session group, never stored. security_invoker: each caller aggregates only
-- the bookings their RLS lets them see (an admin: the organization; a client: their own).

set local lock_timeout = '5s';

create view public.treatment_stats
with (security_invoker = true) as
with treatments as (
  select
    b.organization_id,
    b.session_group_id,
    max(b.total_sessions) as total_sessions,
    count(*) filter (where b.status = 'completed') as completed_sessions,
    count(*) filter (where b.status <> 'cancelled') as kept_sessions
  from public.bookings as b
  where b.session_group_id is not null
  group by b.organization_id, b.session_group_id
)
select
  t.organization_id,
  count(*) as total_treatments,
  count(*) filter (where t.completed_sessions < t.total_sessions and t.kept_sessions > 0) as active_treatments,
  count(*) filter (where t.completed_sessions >= t.total_sessions) as completed_treatments,
  count(*) filter (where t.kept_sessions = 0) as cancelled_treatments,
  round(100.0 * count(*) filter (where t.completed_sessions >= t.total_sessions) / count(*), 1) as completion_rate,
  sum(t.completed_sessions) as completed_sessions,
  sum(t.total_sessions) as planned_sessions
from treatments as t
group by t.organization_id;

comment on view public.treatment_stats is 'Multi-session treatments per organization (seed 004 dashboard): total, active (not finished, not entirely cancelled), completed (every session completed), cancelled (every booking cancelled), completion_rate = completed / total in percent, and completed vs planned sessions. security_invoker: computed over the bookings the caller can see.';
comment on column public.treatment_stats.active_treatments is 'Treatments with fewer completed sessions than total_sessions and at least one booking that is not cancelled (a sequential treatment waiting for its next booking counts).';
comment on column public.treatment_stats.completion_rate is 'completed_treatments / total_treatments x 100, one decimal.';
