-- waitlist_entries: a client reads their own entries; owners, admins and providers of the
-- organization read all of its entries (providers run the sessions). Nobody writes directly
-- (insert/update/delete are not granted): join_waitlist, leave_waitlist and the promotion
-- trigger are the only writers.

drop policy if exists waitlist_entries_select_participants on public.waitlist_entries;
create policy waitlist_entries_select_participants on public.waitlist_entries
  for select to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin', 'provider'])
    or (client_id = (select auth.uid()) and private.is_member(organization_id))
  );
