"""The database: the local cluster, connections, and the Supabase compatibility layer."""
