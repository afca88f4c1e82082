"""`sessionkit outbox`: deliver the transactional outbox (webhooks) through the consumer RPCs."""
