-- Topic patterns of outbox consumers and webhook subscriptions: an exact topic
-- (booking.cancelled), every topic under a prefix (booking.*) or every topic (*).

create or replace function private.outbox_topic_matches(p_topic text, p_patterns text[])
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select p_patterns is null
      or exists (
        select 1
        from unnest(p_patterns) as p (pattern)
        where p.pattern = '*'
           or p.pattern = p_topic
           or (right(p.pattern, 2) = '.*' and starts_with(p_topic, left(p.pattern, -1)))
      )
$$;

comment on function private.outbox_topic_matches(text, text[]) is
  'True when the topic matches one of the patterns: exact (booking.cancelled), prefix (booking.* matches booking.cancelled and booking.x.y) or *; a null pattern list matches everything.';

revoke all on function private.outbox_topic_matches(text, text[]) from public, anon;
grant execute on function private.outbox_topic_matches(text, text[]) to authenticated, service_role;

create or replace function private.normalize_topic_patterns(p_patterns text[], p_hint text default 'p_topics')
returns text[]
language plpgsql
set search_path = ''
as $$
declare
  v_bad text;
  v_result text[];
begin
  if p_patterns is null then
    return null;
  end if;
  select p.pattern into v_bad
  from unnest(p_patterns) as p (pattern)
  where p.pattern is null
     or p.pattern !~ '^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$'
  limit 1;
  if found then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('Topic pattern %s is not valid: use a topic (booking.cancelled), a prefix (booking.*) or *.', coalesce(v_bad, 'null')),
      p_hint
    );
  end if;
  select array_agg(distinct p.pattern order by p.pattern) into v_result from unnest(p_patterns) as p (pattern);
  if v_result is null or cardinality(v_result) > 50 then
    perform private.raise_error('INVALID_REQUEST', 'Give between 1 and 50 topic patterns.', p_hint);
  end if;
  return v_result;
end
$$;

comment on function private.normalize_topic_patterns(text[], text) is
  'Validates topic patterns (topic, prefix.* or *; 1 to 50) and returns them sorted without duplicates; null stays null. INVALID_REQUEST (hint p_hint) otherwise.';

revoke all on function private.normalize_topic_patterns(text[], text) from public, anon;
grant execute on function private.normalize_topic_patterns(text[], text) to authenticated, service_role;
