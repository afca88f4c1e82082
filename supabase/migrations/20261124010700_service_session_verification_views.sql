-- Scheduling core 8/10: the verification questions of seed 001 as views.
-- Why: before the contract step (bookings.service_session_id not null) operators and the
-- dashboard check coverage, the kind x visibility distribution and duplicate group-session
-- times. security_invoker: each caller sees only rows their RLS lets them see.

set local lock_timeout = '5s';

create view public.booking_service_session_coverage
with (security_invoker = true) as
select
  b.organization_id,
  count(*) as total_bookings,
  count(b.service_session_id) as bookings_with_session,
  count(*) - count(b.service_session_id) as bookings_without_session
from public.bookings as b
group by b.organization_id;

comment on view public.booking_service_session_coverage is 'Seed 001 "Check ServiceSession coverage" per organization: bookings_without_session must be 0 before service_session_id becomes required.';

create view public.service_session_distribution
with (security_invoker = true) as
select
  ss.organization_id,
  ss.kind,
  ss.visibility,
  count(*) as session_count,
  min(ss.starts_at) as earliest,
  max(ss.starts_at) as latest
from public.service_sessions as ss
group by ss.organization_id, ss.kind, ss.visibility;

comment on view public.service_session_distribution is 'Seed 001 "Check session type distribution": sessions per organization, kind and visibility with the earliest and latest start (null kind/visibility = legacy rows not yet classified).';

create view public.service_session_duplicate_times
with (security_invoker = true) as
select
  ss.organization_id,
  ss.service_id,
  ss.starts_at,
  count(*) as session_count,
  array_agg(ss.id order by ss.created_at) as session_ids
from public.service_sessions as ss
where ss.kind in ('workshop', 'course_session')
  and ss.status <> 'cancelled'
group by ss.organization_id, ss.service_id, ss.starts_at
having count(*) > 1;

comment on view public.service_session_duplicate_times is 'Seed 001 "Check for duplicate times": non-cancelled workshop/course sessions of the same service starting at the same time (should be empty; individual sessions may share times).';
