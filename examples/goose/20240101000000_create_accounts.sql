-- expect: require-lock-timeout
-- The down section: DROP TABLE queues for ACCESS EXCLUSIVE.
-- +goose Up
CREATE TABLE accounts (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL
);

-- +goose Down
DROP TABLE accounts;
