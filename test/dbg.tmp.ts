import { DEFAULT_CONFIG } from '../server/src/config/types';
import { catalogFromSql, initEngine, lintText } from '../server/src/engine';
(async () => {
  await initEngine();
  const config = { ...DEFAULT_CONFIG };
  const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int);';
  const sql = process.argv[2].replace(/\\n/g, '\n');
  const r = lintText(sql, { config, schema: process.argv[4] === 'noschema' ? undefined : catalogFromSql(SETUP, config), path: process.argv[3] || undefined });
  for (const f of r.findings) console.log(f.ruleId, JSON.stringify(sql.slice(f.span.start, f.span.end)), f.message);
})();
