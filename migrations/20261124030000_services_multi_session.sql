-- Multi-session treatments 1/6 (seed 004): a service may require several sessions.
-- Why: dental implants, physiotherapy plans and driving-lesson packs are booked as one treatment
-- of N sessions with healing/buffer periods between them, under one of three strategies
-- (immediate: all at once, sequential: one after each completion, flexible: the client decides).
-- The checks are added not valid (brief lock) and validated by 20261124030400.

set local lock_timeout = '5s';

alter table public.services add column requires_multiple_sessions boolean not null default false;

alter table public.services add column total_sessions_required integer not null default 1;

alter table public.services add column multi_session_strategy text not null default 'flexible';

alter table public.services add column session_buffer_config jsonb;

alter table public.services
  add constraint services_total_sessions_required_check
  check (total_sessions_required between 1 and 50) not valid;

alter table public.services
  add constraint services_multi_session_strategy_check
  check (multi_session_strategy in ('immediate', 'sequential', 'flexible')) not valid;

-- {"default_days": n} and/or {"gaps_days": [n, …]}: whole days 0..3650, nothing else, and no more
-- gaps than there are intervals between the sessions.
alter table public.services
  add constraint services_session_buffer_config_check
  check (
    session_buffer_config is null
    or case when jsonb_typeof(session_buffer_config) <> 'object' then false else (
      session_buffer_config <> '{}'::jsonb
      and (session_buffer_config - array['default_days', 'gaps_days']) = '{}'::jsonb
      and (
        not session_buffer_config ? 'default_days'
        or case
          when jsonb_typeof(session_buffer_config -> 'default_days') = 'number'
            then (session_buffer_config ->> 'default_days')::numeric between 0 and 3650
              and (session_buffer_config ->> 'default_days')::numeric = trunc((session_buffer_config ->> 'default_days')::numeric)
          else false
        end
      )
      and (
        not session_buffer_config ? 'gaps_days'
        or case
          when jsonb_typeof(session_buffer_config -> 'gaps_days') = 'array'
            then jsonb_array_length(session_buffer_config -> 'gaps_days') <= total_sessions_required - 1
              and not coalesce(jsonb_path_exists(session_buffer_config, '$.gaps_days[*] ? (@.type() != "number" || @ < 0 || @ > 3650 || @.floor() != @)'), true)
          else false
        end
      )
    ) end
  ) not valid;

comment on column public.services.requires_multiple_sessions is 'The service is a treatment of total_sessions_required sessions booked with book_treatment (seed 004).';
comment on column public.services.total_sessions_required is 'Sessions in one treatment, 1..50.';
comment on column public.services.multi_session_strategy is 'immediate (book_treatment books every session at once, atomically) | sequential (one at a time; completing one emits treatment.next_session_due) | flexible (the client books 1..remaining sessions at a time).';
comment on column public.services.session_buffer_config is 'Days between consecutive sessions: {"default_days": n} and/or {"gaps_days": [14, 31]} (gap i = days between session i+1 and i+2; missing gaps use default_days, else 0). Whole days 0..3650; at most total_sessions_required - 1 gaps.';
