-- recurring_booking_exceptions (issue 14): whoever reads a series reads its skipped, moved and
-- failed occurrences (the client, the provider who runs it, owners/admins: the recurring_bookings
-- policy, applied to the caller inside this one). Nobody writes them directly (not granted): the
-- series RPCs and the dispatcher do.

drop policy if exists recurring_booking_exceptions_select_parties on public.recurring_booking_exceptions;
create policy recurring_booking_exceptions_select_parties on public.recurring_booking_exceptions
  for select to authenticated
  using (
    exists (
      select 1
      from public.recurring_bookings as r
      where r.organization_id = recurring_booking_exceptions.organization_id
        and r.id = recurring_booking_exceptions.recurring_booking_id
    )
  );
