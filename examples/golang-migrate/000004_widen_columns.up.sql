-- expect: require-concurrent-drop-index, require-lock-timeout, type-change-rewrite
-- Lockstep replays 000001 first, so it knows each column's current type:
-- numeric(12,2) → numeric(14,2) is binary-coercible (no rewrite, no finding),
-- int → bigint rewrites the table. Both still queue for ACCESS EXCLUSIVE, hence lock_timeout.
ALTER TABLE invoices ALTER COLUMN total TYPE numeric(14,2);
ALTER TABLE invoices ALTER COLUMN id TYPE bigint;
DROP INDEX invoices_account_id_idx;
