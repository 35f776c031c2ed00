-- expect: clean
-- The same intent, done safely. Flyway runs a script of only non-transactional
-- statements outside a transaction, so CONCURRENTLY works here. A failed build leaves an
-- INVALID index behind, so a retry drops it first (IF NOT EXISTS would keep the broken one).
DROP INDEX CONCURRENTLY IF EXISTS invoices_total_idx;
CREATE INDEX CONCURRENTLY invoices_total_idx ON invoices (total);
