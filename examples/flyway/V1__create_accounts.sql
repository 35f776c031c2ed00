-- expect: foreign-key-needs-index
-- A fresh schema: everything here is created in this migration, so no lock is flagged.
-- The one finding: invoices.account_id references accounts with no index on it yet (V2 adds it).
CREATE TABLE accounts (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);

CREATE TABLE invoices (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id),
  total      numeric(12,2) NOT NULL
);
