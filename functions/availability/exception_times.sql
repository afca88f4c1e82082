-- When a provider is unavailable is every member's business (to pick a time); why is not. The
-- table specialist_availability_exceptions (reason: sick_leave, vacation…; free-text notes) is
-- read by owners/admins and by the provider themself (policies/specialist_availability_exceptions.sql);
-- every member of the organization reads the times through the view below, which has no reason
-- and no notes. The view is security_invoker; the function it reads is security definer (the
-- members cannot read the table's rows) and answers only about the caller: the exceptions of the
-- organizations where the caller holds an accepted membership (service calls: all).

create or replace function private.visible_exception_times()
returns table (
  id uuid,
  organization_id uuid,
  specialist_id uuid,
  exception_date date,
  is_available boolean,
  all_day boolean,
  start_time time,
  end_time time
)
language sql
stable
security definer
set search_path = ''
as $$
  select e.id, e.organization_id, e.specialist_id, e.exception_date, e.is_available, e.all_day, e.start_time, e.end_time
  from public.specialist_availability_exceptions e
  where private.is_service_call()
     or e.organization_id in (
       select m.organization_id
       from public.organization_members m
       where m.user_id = (select auth.uid())
         and m.status = 'accepted'
     )
$$;

comment on function private.visible_exception_times() is
  'The times (never reason or notes) of the availability exceptions of every organization where the caller holds an accepted membership (service calls: all). Read by the security_invoker view specialist_availability_exception_times as the caller; takes no argument, so a direct call reveals nothing more than the view.';

revoke all on function private.visible_exception_times() from public, anon;
grant execute on function private.visible_exception_times() to authenticated, service_role;

create or replace view public.specialist_availability_exception_times
with (security_invoker = true) as
select
  t.id,
  t.organization_id,
  t.specialist_id,
  t.exception_date,
  t.is_available,
  t.all_day,
  t.start_time,
  t.end_time
from private.visible_exception_times() as t;

comment on view public.specialist_availability_exception_times is
  'When each provider of the caller''s organizations is unavailable (is_available = false: all day or start_time..end_time) or works other hours (is_available = true), without the reason or notes. Every member reads it; the table itself is read by owners/admins and the provider.';

revoke all on public.specialist_availability_exception_times from public, anon;
grant select on public.specialist_availability_exception_times to authenticated, service_role;
