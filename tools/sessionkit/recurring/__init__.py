"""`sessionkit recurring`: run the recurring-bookings dispatcher now, for a date (operators catching up)."""
