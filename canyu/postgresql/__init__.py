"""Django's PostgreSQL backend with a health check that asks the kernel before it asks the server
(canyu.postgresql.base). DATABASES' ENGINE for PostgreSQL (canyu.settings)."""
