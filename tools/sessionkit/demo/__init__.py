"""`sessionkit demo`: a readable walkthrough of the product on the demo data."""
