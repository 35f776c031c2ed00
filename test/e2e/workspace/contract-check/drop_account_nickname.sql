-- accounts-app/queries.ts still reads accounts.nickname: still-referenced flags the drop.
ALTER TABLE accounts DROP COLUMN nickname;
