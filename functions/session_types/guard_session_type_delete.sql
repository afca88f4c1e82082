-- Hard delete of a session type still referenced is refused with a clear CONFLICT error
-- (soft delete with is_active = false instead). Generic over every foreign key that points at
-- session_types with restrict/no action, so tables added later are covered without edits.

create or replace function private.guard_session_type_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- dynamic SQL is built from the catalog with %I/%L quoting only
-- @plpgsql_check_options: security_warnings = off
declare
  v_fk record;
  v_count bigint;
  v_uses text[] := '{}'::text[];
begin
  -- the whole organization is being deleted: its sessions and bookings go too
  if not exists (select 1 from public.organizations o where o.id = old.organization_id) then
    return old;
  end if;

  -- one count per referencing foreign key, matching all of its columns (uses its index)
  for v_fk in
    select c.conrelid::regclass as tbl,
           string_agg(format('%I = ($1 ->> %L)::%s', a.attname, fa.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)),
                      ' and ' order by k.ord) as predicate
    from pg_catalog.pg_constraint c
    cross join lateral unnest(c.conkey, c.confkey) with ordinality as k(conkey, confkey, ord)
    join pg_catalog.pg_attribute fa on fa.attrelid = c.confrelid and fa.attnum = k.confkey
    join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.conkey
    where c.contype = 'f'
      and c.confrelid = 'public.session_types'::regclass
      and c.confdeltype in ('a', 'r')
    group by c.oid, c.conrelid
    order by 1
  loop
    execute format('select count(*) from %s where %s', v_fk.tbl, v_fk.predicate)
      into v_count
      using to_jsonb(old);
    if v_count > 0 then
      v_uses := v_uses || format('%s %s', v_count, v_fk.tbl);
    end if;
  end loop;

  if cardinality(v_uses) > 0 then
    perform private.raise_error(
      'CONFLICT',
      format('Session type "%s" is still used (%s); deactivate it (is_active = false) instead of deleting it.',
             old.name, array_to_string(v_uses, ', ')),
      'is_active'
    );
  end if;
  return old;
end
$$;

comment on function private.guard_session_type_delete() is
  'BEFORE DELETE trigger on session_types: refuses to delete a type referenced by sessions, bookings or anything else (CONFLICT, PT409), pointing to soft delete.';

revoke all on function private.guard_session_type_delete() from public, anon;
