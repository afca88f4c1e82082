-- private.touch_updated_at: keeps updated_at current on every table that has one.
-- Add a table here when it gets an updated_at column (this file is re-applied on change).

create or replace function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

comment on function private.touch_updated_at() is
  'BEFORE UPDATE trigger: sets updated_at = now().';

revoke all on function private.touch_updated_at() from public;

drop trigger if exists touch_updated_at on public.organizations;
create trigger touch_updated_at before update on public.organizations
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.organization_members;
create trigger touch_updated_at before update on public.organization_members
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.organization_settings;
create trigger touch_updated_at before update on public.organization_settings
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.services;
create trigger touch_updated_at before update on public.services
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.packages;
create trigger touch_updated_at before update on public.packages
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.service_sessions;
create trigger touch_updated_at before update on public.service_sessions
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.bookings;
create trigger touch_updated_at before update on public.bookings
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.subscriptions;
create trigger touch_updated_at before update on public.subscriptions
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.session_types;
create trigger touch_updated_at before update on public.session_types
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.availability_rules;
create trigger touch_updated_at before update on public.availability_rules
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.specialist_availability_exceptions;
create trigger touch_updated_at before update on public.specialist_availability_exceptions
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.session_notes;
create trigger touch_updated_at before update on public.session_notes
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.recurring_bookings;
create trigger touch_updated_at before update on public.recurring_bookings
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.recurring_booking_exceptions;
create trigger touch_updated_at before update on public.recurring_booking_exceptions
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.webhook_subscriptions;
create trigger touch_updated_at before update on public.webhook_subscriptions
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.organization_closures;
create trigger touch_updated_at before update on public.organization_closures
  for each row execute function private.touch_updated_at();

drop trigger if exists touch_updated_at on public.waitlist_entries;
create trigger touch_updated_at before update on public.waitlist_entries
  for each row execute function private.touch_updated_at();
