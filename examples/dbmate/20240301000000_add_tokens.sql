-- expect: require-lock-timeout, set-not-null, volatile-default
-- migrate:up
-- A volatile default rewrites the whole table under ACCESS EXCLUSIVE.
ALTER TABLE accounts ADD COLUMN api_token uuid DEFAULT gen_random_uuid();
-- A constant default is fine since PostgreSQL 11 (no rewrite).
ALTER TABLE accounts ADD COLUMN is_active boolean NOT NULL DEFAULT true;
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;

-- migrate:down
ALTER TABLE accounts DROP COLUMN api_token, DROP COLUMN is_active;
