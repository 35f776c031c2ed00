-- The same intent, done safely. Flyway runs a script of only non-transactional
-- statements outside a transaction, so CONCURRENTLY works here.
CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_status_idx ON invoices (total);
