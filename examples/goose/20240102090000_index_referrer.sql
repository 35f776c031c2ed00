-- expect: concurrent-in-transaction
-- goose wraps each migration in a transaction unless told otherwise:
-- this CONCURRENTLY build fails at run time. Lockstep says so, and says how to opt out.
-- +goose Up
CREATE INDEX CONCURRENTLY accounts_referrer_idx ON accounts (referrer_id);

-- +goose Down
DROP INDEX CONCURRENTLY accounts_referrer_idx;
