-- One database per service (database-per-service; each service owns its schema
-- and runs its own aerich migrations in it).
--
-- Run by the postgres image's entrypoint from /docker-entrypoint-initdb.d/, as
-- POSTGRES_USER, ONLY when the data directory is empty (first start of a fresh
-- volume). After adding a database here, recreate the volume
-- (`docker compose -f docker-compose-local.yaml down -v`) or create it by hand.

CREATE DATABASE social_auth;
CREATE DATABASE social_post;
CREATE DATABASE social_interaction;
CREATE DATABASE social_moderation;
CREATE DATABASE social_engagement;
