"""`sessionkit backfill`: staged, resumable data migrations with a ledger in `ops`."""
