-- expect: clean
-- +goose Up
-- VALIDATE scans the table under SHARE UPDATE EXCLUSIVE: reads and writes continue.
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_referrer_fk;

-- +goose Down
SELECT 1;
