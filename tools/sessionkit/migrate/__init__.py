"""Migrations: the bundle for the Supabase CLI, and the push that applies it."""
