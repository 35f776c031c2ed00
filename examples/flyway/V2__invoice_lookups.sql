-- expect: prefer-timestamptz, require-concurrent-index, require-lock-timeout, require-not-valid, type-change-rewrite
-- The dangerous way: blocks every write to invoices while the index builds,
-- validates the new foreign key under a lock, and Flyway wraps it all in one transaction.
CREATE INDEX invoices_account_id_idx ON invoices (account_id);

ALTER TABLE invoices ADD COLUMN paid_at timestamp;
ALTER TABLE invoices ALTER COLUMN paid_at TYPE timestamptz;
ALTER TABLE invoices ADD CONSTRAINT invoices_total_positive CHECK (total >= 0);
