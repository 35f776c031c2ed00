// Application code the still-referenced check reads (suite/code-references.test.ts, ui/code-references.test.ts).
type Db = { query(sql: string, args: unknown[]): Promise<unknown> };

export const nicknameOf = (db: Db, id: number) => db.query('SELECT nickname FROM accounts WHERE id = $1', [id]);
