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
