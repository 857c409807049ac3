"""Django's PostgreSQL backend plus a health check without a round trip and prepared statements
for the hot API reads (see ``base``)."""
