-- expect: require-lock-timeout
-- The down section: DROP TABLE queues for ACCESS EXCLUSIVE.
-- migrate:up
CREATE TABLE accounts (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text
);

-- migrate:down
DROP TABLE accounts;
