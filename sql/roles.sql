-- Least-privilege login roles for wiredesk: an analyst who reads, a pipeline that writes rows.
--
-- Applied by `python -m pipelines.roles create --analyst NAME --pipeline NAME`, connected as the
-- owner role: the one that runs migrations and so owns every table. Never applied by migrate()
-- (the name has no NNN_ prefix). Placeholders are filled by psycopg2.sql: names as quoted
-- identifiers, passwords as SCRAM verifiers (the plain password never reaches the server or its log).
-- Re-applying it is harmless: every statement sets a state rather than adding to one.

-- Neither role can do anything cluster-wide, and neither owns anything: a role cannot DROP,
-- ALTER or TRUNCATE a table it does not own (TRUNCATE is a privilege granted to nobody here).
ALTER ROLE {analyst} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {analyst_password};
ALTER ROLE {pipeline} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {pipeline_password};
-- Defence in depth: an analyst's session starts read-only even if a write grant slips in later.
ALTER ROLE {analyst} SET default_transaction_read_only = on;

-- Nobody but the owner creates objects here: PostgreSQL before 15 let PUBLIC create in schema
-- public, and every version lets PUBLIC create temporary tables.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC;
GRANT CONNECT ON DATABASE {database} TO {analyst}, {pipeline};
GRANT USAGE ON SCHEMA public TO {analyst}, {pipeline};

-- Analyst: SELECT on the curated tables and views (pipelines.roles then revokes the internal ones).
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {analyst};

-- Pipeline: rows only. DELETE is for reprocessing (superseded revisions move to their own table).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {pipeline};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {pipeline};
-- It reads schema_migrations to see that the schema is current; only the owner migrates.
REVOKE INSERT, UPDATE, DELETE ON TABLE schema_migrations FROM {pipeline};

-- Tables, views and sequences that later migrations create (as this same owner role) get the
-- same grants, so a new migration needs no new grant file.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {analyst};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {pipeline};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {pipeline};
