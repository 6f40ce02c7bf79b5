-- Run once by the postgres image when its data volume is empty (/docker-entrypoint-initdb.d/), as the
-- superuser: the inventory gets its own login role, owner of its own database and nothing more (it
-- runs its migrations as that owner; it never needs superuser).
\set ON_ERROR_STOP on
\getenv inventory_password INVENTORY_DB_PASSWORD
\if :{?inventory_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'INVENTORY_DB_PASSWORD is not set in the postgres container'; END $$;
\endif
CREATE ROLE inventory LOGIN PASSWORD :'inventory_password';
-- UTF8 whatever the server's default (a cluster initialised without a locale defaults to SQL_ASCII)
CREATE DATABASE inventory OWNER inventory ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE inventory FROM PUBLIC;
\connect inventory
-- PostgreSQL 15+ gives the public schema to the database owner; older servers need it said
ALTER SCHEMA public OWNER TO inventory;
