-- Scheduling core 7/10: session documentation and recording metadata (seed 002).
-- Why: providers document sessions for continuity of care (notes lock note_lock_hours after
-- creation, enforced in the database), and recorded sessions keep their storage metadata with
-- an expiry that a pg_cron job enforces. organization_id is always copied from the booking by
-- a trigger (a row can never point at another tenant's booking).

set local lock_timeout = '5s';

create table public.session_notes (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  booking_id uuid not null references public.bookings (id) on delete cascade,
  provider_id uuid not null references auth.users (id),
  notes text,
  follow_up_actions text,
  next_session_recommendation text,
  metadata jsonb not null default '{}'::jsonb,
  locks_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint session_notes_booking_id_key unique (booking_id),
  constraint session_notes_metadata_object check (jsonb_typeof(metadata) = 'object'),
  constraint session_notes_not_empty check (coalesce(btrim(notes), '') <> '' or coalesce(btrim(follow_up_actions), '') <> '' or coalesce(btrim(next_session_recommendation), '') <> '')
);

create index session_notes_organization_id_created_at_idx on public.session_notes (organization_id, created_at);

create index session_notes_provider_id_created_at_idx on public.session_notes (provider_id, created_at);

alter table public.session_notes enable row level security;

comment on table public.session_notes is 'Provider documentation of a booked session (seed 002), one per booking. The provider writes it (upsert_session_note), the client of the booking and admins read it, only admins delete it; it is immutable from locks_at on (NOTE_LOCKED).';
comment on column public.session_notes.provider_id is 'auth.users id of the provider who wrote the note (the booking''s provider).';
comment on column public.session_notes.metadata is 'Structured observations (a JSON object), e.g. {"mood_level": 7}.';
comment on column public.session_notes.locks_at is 'created_at + the organization''s note_lock_hours at creation: from then on the note can no longer change.';

create table public.meeting_recordings (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  booking_id uuid not null references public.bookings (id) on delete cascade,
  recording_url text,
  storage_path text not null,
  duration_seconds integer,
  storage_size_bytes bigint,
  file_format text not null,
  is_encrypted boolean not null default true,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  constraint meeting_recordings_file_format_check check (file_format in ('mp4', 'webm', 'mov', 'mkv')),
  constraint meeting_recordings_duration_seconds_check check (duration_seconds >= 0),
  constraint meeting_recordings_storage_size_bytes_check check (storage_size_bytes >= 0),
  constraint meeting_recordings_storage_path_not_blank check (btrim(storage_path) <> ''),
  constraint meeting_recordings_expiry_check check (expires_at is null or expires_at > created_at)
);

create index meeting_recordings_booking_id_idx on public.meeting_recordings (booking_id);

create index meeting_recordings_expires_at_idx on public.meeting_recordings (expires_at) where expires_at is not null;

create index meeting_recordings_organization_id_created_at_idx on public.meeting_recordings (organization_id, created_at);

alter table public.meeting_recordings enable row level security;

comment on table public.meeting_recordings is 'Metadata of a recorded session (seed 002); the file lives in Supabase Storage. Parties of the booking and admins read; only admins and service_role write. Rows past expires_at, or older than the organization''s recording_retention_days, are deleted by the purge-expired-recordings pg_cron job.';
comment on column public.meeting_recordings.recording_url is 'Signed URL or path given to players (short-lived; storage_path is the durable reference).';
comment on column public.meeting_recordings.storage_path is 'Path in the meeting-recordings Storage bucket.';
comment on column public.meeting_recordings.file_format is 'mp4 | webm | mov | mkv.';
comment on column public.meeting_recordings.expires_at is 'Deleted after this time; null = keep (subject to the organization''s recording_retention_days).';
