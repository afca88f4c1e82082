"""Test support: act as a Supabase user the way PostgREST does, install pgTAP helpers."""
