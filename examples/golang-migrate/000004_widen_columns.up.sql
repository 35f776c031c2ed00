-- Binary-coercible changes need no rewrite: Lockstep stays quiet about the type,
-- but still wants a lock_timeout, since ACCESS EXCLUSIVE queues behind readers.
ALTER TABLE invoices ALTER COLUMN total TYPE numeric(14,2);
ALTER TABLE invoices ALTER COLUMN id TYPE bigint;
DROP INDEX invoices_account_id_idx;
