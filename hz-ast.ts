import { initEngine, lintText } from './server/src/engine';
import { DEFAULT_CONFIG } from './server/src/config/types';
(async () => { await initEngine();
const sqls = process.argv.slice(2);
for (const sql of sqls) { const r = lintText(sql, { config: { ...DEFAULT_CONFIG } }); for (const s of r.document.statements) console.log(JSON.stringify(s.ast)); }
})();
