"""`sessionkit audit`: the database's integrity_report, printed for operators."""
