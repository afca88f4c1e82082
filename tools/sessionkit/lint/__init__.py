"""`sessionkit lint`: sqlfluff, squawk, supabase db lint (plpgsql_check) and a catalog lint."""
