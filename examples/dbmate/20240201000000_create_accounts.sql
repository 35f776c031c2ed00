-- migrate:up
CREATE TABLE accounts (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text
);

-- migrate:down
DROP TABLE accounts;
