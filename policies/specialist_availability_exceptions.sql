-- specialist_availability_exceptions (seed 002): owners/admins and the specialist (provider)
-- themself read them, reason and notes included; every other member reads only when - not why -
-- through the view specialist_availability_exception_times (functions/availability/exception_times.sql).
-- A specialist manages their own, owners/admins everyone's.

drop policy if exists specialist_availability_exceptions_select_members on public.specialist_availability_exceptions;
drop policy if exists specialist_availability_exceptions_select_own_or_admin on public.specialist_availability_exceptions;
create policy specialist_availability_exceptions_select_own_or_admin on public.specialist_availability_exceptions
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (specialist_id = (select auth.uid()) and private.is_member(organization_id))
  );

drop policy if exists specialist_availability_exceptions_insert_own_or_admin on public.specialist_availability_exceptions;
create policy specialist_availability_exceptions_insert_own_or_admin on public.specialist_availability_exceptions
  for insert to authenticated
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (specialist_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists specialist_availability_exceptions_update_own_or_admin on public.specialist_availability_exceptions;
create policy specialist_availability_exceptions_update_own_or_admin on public.specialist_availability_exceptions
  for update to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (specialist_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  )
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    or (specialist_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );

drop policy if exists specialist_availability_exceptions_delete_own_or_admin on public.specialist_availability_exceptions;
create policy specialist_availability_exceptions_delete_own_or_admin on public.specialist_availability_exceptions
  for delete to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    or (specialist_id = (select auth.uid()) and private.has_role(organization_id, array['provider']))
  );
