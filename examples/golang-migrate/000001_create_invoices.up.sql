-- expect: prefer-bigint
-- On purpose: 000004 widens id.
CREATE TABLE invoices (
  id         int PRIMARY KEY,
  account_id bigint NOT NULL,
  total      numeric(12,2) NOT NULL
);
CREATE INDEX invoices_account_id_idx ON invoices (account_id);
