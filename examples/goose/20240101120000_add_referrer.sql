-- expect: foreign-key-needs-index
-- 20240102090000 adds the index.
-- +goose Up
-- The safe way to add a foreign key: NOT VALID skips the scan, so the
-- SHARE ROW EXCLUSIVE lock is held only for a moment (and lock_timeout bounds the wait).
SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN referrer_id bigint;
ALTER TABLE accounts ADD CONSTRAINT accounts_referrer_fk
  FOREIGN KEY (referrer_id) REFERENCES accounts (id) NOT VALID;

-- +goose Down
SET lock_timeout = '2s';
ALTER TABLE accounts DROP COLUMN referrer_id;
