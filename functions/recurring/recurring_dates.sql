-- Occurrence arithmetic of recurring bookings (pure date math, no table access).
--   weekly +7 days, biweekly +14 days, monthly +1 month on the day of start_date clamped to the
--   month's last day (Jan 31 -> Feb 28/29 -> Mar 31: always computed from start_date, never
--   from the previous occurrence, so a short month does not drag the anchor day down).
-- Plain SQL, not security definer, no SET clause and pg_catalog-qualified calls: the planner
-- inlines them into the dispatcher's set-based queries (one expression per row, no call).

create or replace function private.recurring_next_date(p_start_date date, p_frequency text, p_after date)
returns date
language sql
immutable
parallel safe
as $$
  select case p_frequency
    when 'weekly' then p_after + 7
    when 'biweekly' then p_after + 14
    when 'monthly' then (
      p_start_date + pg_catalog.make_interval(months =>
        ((pg_catalog.date_part('year', p_after) - pg_catalog.date_part('year', p_start_date)) * 12
         + pg_catalog.date_part('month', p_after) - pg_catalog.date_part('month', p_start_date))::integer + 1)
    )::date
  end
$$;

comment on function private.recurring_next_date(date, text, date) is
  'The occurrence of a series (start_date, frequency) that follows the occurrence p_after: +7 / +14 days, or the next month on start_date''s day clamped to the month end (Jan 31 -> Feb 28/29 -> Mar 31).';

revoke all on function private.recurring_next_date(date, text, date) from public, anon;
grant execute on function private.recurring_next_date(date, text, date) to authenticated, service_role;

create or replace function private.recurring_occurrences(p_start_date date, p_frequency text, p_from date, p_to date)
returns setof date
language sql
immutable
parallel safe
rows 2
as $$
  select o.occurrence_date
  from pg_catalog.generate_series(
         0,
         case
           when p_from > p_to then -1
           when p_frequency = 'monthly' then
             ((pg_catalog.date_part('year', p_to) - pg_catalog.date_part('year', p_from)) * 12
              + pg_catalog.date_part('month', p_to) - pg_catalog.date_part('month', p_from))::integer
           when p_frequency = 'biweekly' then (p_to - p_from) / 14
           else (p_to - p_from) / 7
         end
       ) as g (j)
  cross join lateral (
    select case
      when g.j = 0 then p_from
      when p_frequency = 'monthly' then (
        p_start_date + pg_catalog.make_interval(months =>
          ((pg_catalog.date_part('year', p_from) - pg_catalog.date_part('year', p_start_date)) * 12
           + pg_catalog.date_part('month', p_from) - pg_catalog.date_part('month', p_start_date))::integer + g.j)
      )::date
      when p_frequency = 'biweekly' then p_from + 14 * g.j
      else p_from + 7 * g.j
    end as occurrence_date
  ) as o
  where o.occurrence_date <= p_to
$$;

comment on function private.recurring_occurrences(date, text, date, date) is
  'Occurrences of a series (start_date, frequency) from the occurrence p_from up to p_to inclusive (none when p_from > p_to); monthly ones keep start_date''s day, clamped to short months.';

revoke all on function private.recurring_occurrences(date, text, date, date) from public, anon;
grant execute on function private.recurring_occurrences(date, text, date, date) to authenticated, service_role;

create or replace function private.recurring_last_occurrence(p_start_date date, p_frequency text, p_from date, p_to date)
returns date
language sql
immutable
parallel safe
as $$
  select case
    when p_from > p_to then null
    when p_frequency = 'weekly' then p_from + 7 * ((p_to - p_from) / 7)
    when p_frequency = 'biweekly' then p_from + 14 * ((p_to - p_from) / 14)
    else greatest(p_from, case
      -- the anchored occurrence in p_to's month, or the one of the month before when it falls after p_to
      when (p_start_date + pg_catalog.make_interval(months =>
              ((pg_catalog.date_part('year', p_to) - pg_catalog.date_part('year', p_start_date)) * 12
               + pg_catalog.date_part('month', p_to) - pg_catalog.date_part('month', p_start_date))::integer))::date <= p_to
        then (p_start_date + pg_catalog.make_interval(months =>
              ((pg_catalog.date_part('year', p_to) - pg_catalog.date_part('year', p_start_date)) * 12
               + pg_catalog.date_part('month', p_to) - pg_catalog.date_part('month', p_start_date))::integer))::date
      else (p_start_date + pg_catalog.make_interval(months =>
              ((pg_catalog.date_part('year', p_to) - pg_catalog.date_part('year', p_start_date)) * 12
               + pg_catalog.date_part('month', p_to) - pg_catalog.date_part('month', p_start_date))::integer - 1))::date
    end)
  end
$$;

comment on function private.recurring_last_occurrence(date, text, date, date) is
  'The last occurrence of a series (start_date, frequency) between the occurrence p_from and p_to inclusive (null when p_from > p_to): max(private.recurring_occurrences(...)) in closed form.';

revoke all on function private.recurring_last_occurrence(date, text, date, date) from public, anon;
grant execute on function private.recurring_last_occurrence(date, text, date, date) to authenticated, service_role;

create or replace function private.recurring_first_on_or_after(p_start_date date, p_frequency text, p_day date)
returns date
language sql
immutable
parallel safe
as $$
  select case
    when p_day <= p_start_date then p_start_date
    when p_frequency = 'weekly' then p_start_date + 7 * ((p_day - p_start_date + 6) / 7)
    when p_frequency = 'biweekly' then p_start_date + 14 * ((p_day - p_start_date + 13) / 14)
    -- monthly: the anchored occurrence in p_day's month, or the next month's when it falls before p_day
    when (p_start_date + pg_catalog.make_interval(months =>
            ((pg_catalog.date_part('year', p_day) - pg_catalog.date_part('year', p_start_date)) * 12
             + pg_catalog.date_part('month', p_day) - pg_catalog.date_part('month', p_start_date))::integer))::date >= p_day
      then (p_start_date + pg_catalog.make_interval(months =>
            ((pg_catalog.date_part('year', p_day) - pg_catalog.date_part('year', p_start_date)) * 12
             + pg_catalog.date_part('month', p_day) - pg_catalog.date_part('month', p_start_date))::integer))::date
    else (p_start_date + pg_catalog.make_interval(months =>
            ((pg_catalog.date_part('year', p_day) - pg_catalog.date_part('year', p_start_date)) * 12
             + pg_catalog.date_part('month', p_day) - pg_catalog.date_part('month', p_start_date))::integer + 1))::date
  end
$$;

comment on function private.recurring_first_on_or_after(date, text, date) is
  'The first occurrence of a series (start_date, frequency) on or after p_day (start_date itself when p_day is not after it); monthly ones keep start_date''s day, clamped to short months.';

revoke all on function private.recurring_first_on_or_after(date, text, date) from public, anon;
grant execute on function private.recurring_first_on_or_after(date, text, date) to authenticated, service_role;

create or replace function private.recurring_is_occurrence(p_start_date date, p_frequency text, p_day date)
returns boolean
language sql
immutable
parallel safe
as $$
  select p_day >= p_start_date
     and private.recurring_first_on_or_after(p_start_date, p_frequency, p_day) = p_day
$$;

comment on function private.recurring_is_occurrence(date, text, date) is
  'Whether p_day is an occurrence of a series (start_date, frequency) by its rule: on or after start_date and on its grid (+7 / +14 days, or the anchor day of a month clamped to the month end). The end date is the caller''s to check.';

revoke all on function private.recurring_is_occurrence(date, text, date) from public, anon;
grant execute on function private.recurring_is_occurrence(date, text, date) to authenticated, service_role;
