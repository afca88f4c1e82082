-- private.in_late_cancellation_window: the organization's late-cancellation window, one
-- definition for every rule that depends on it: a client's late cancellation forfeits the
-- credit (private.cancellation_policy) and a client may not move a booking once the window has
-- opened (the booking rule reschedule_window).

create or replace function private.in_late_cancellation_window(p_organization_id uuid, p_starts_at timestamptz)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  -- cancellation_notice_hours (default 24) before the start, up to the start
  select now() > p_starts_at - make_interval(hours => coalesce(
    (select s.cancellation_notice_hours from public.organization_settings as s where s.organization_id = p_organization_id),
    24))
$$;

comment on function private.in_late_cancellation_window(uuid, timestamptz) is
  'True once fewer than the organization''s cancellation_notice_hours (default 24) remain before p_starts_at: a client''s cancellation then forfeits the credit, and a client can no longer reschedule.';

revoke all on function private.in_late_cancellation_window(uuid, timestamptz) from public, anon, authenticated;
grant execute on function private.in_late_cancellation_window(uuid, timestamptz) to service_role;
