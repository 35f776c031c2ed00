import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { activeRecord } from '../../../server/src/coderefs/sources/activeRecord';
import { djangoModels } from '../../../server/src/coderefs/sources/djangoModels';
import { sqlalchemy } from '../../../server/src/coderefs/sources/sqlalchemy';
import { alembic, alembicRevision } from '../../../server/src/frameworks/alembic';
import { django } from '../../../server/src/frameworks/django';
import { ecto } from '../../../server/src/frameworks/ecto';
import { extractRailsSchema, rails } from '../../../server/src/frameworks/rails';
import { loadHostGrammars } from '../../../server/src/frameworks/treeSitter';

// In a fresh process (grammar state is per process): count how many Language.load calls are in
// flight at once while all host grammars load. Two at once is the race that broke the Ruby grammar
// on CI ("bad export type for 'tree_sitter_python_external_scanner_create'").
const probe = `
const wts = require('web-tree-sitter');
const original = wts.Language.load.bind(wts.Language);
let inFlight = 0, most = 0;
wts.Language.load = async (p) => { inFlight++; most = Math.max(most, inFlight); try { return await original(p); } finally { inFlight--; } };
const ts = require(${JSON.stringify(join(__dirname, '../../../server/src/frameworks/treeSitter.ts'))});
ts.loadHostGrammars().then(() => {
  console.log(JSON.stringify({ most, failures: ts.HOST_GRAMMARS.map((g) => ts.grammarFailure(g) ?? null) }));
});
`;

describe('tree-sitter grammars', () => {
  it('load one at a time, and all of them load', function () {
    this.timeout(60_000);
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', probe], { encoding: 'utf8' });
    const { most, failures } = JSON.parse(out.trim().split('\n').pop()!) as { most: number; failures: (string | null)[] };
    assert.equal(most, 1);
    assert.deepEqual(failures, [null, null, null]);
  });
});

describe('tree-sitter trees are freed', () => {
  // WASM memory is never collected: a tree not deleted stays for the life of the language server,
  // and a long editing session of Ruby or Python migrations grew without bound.
  it('by every framework extractor, fix idiom and code-reference source that parses', async function () {
    this.timeout(60_000);
    await loadHostGrammars();
    // The same CommonJS module the extractors require (treeSitter.ts).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wts = require('web-tree-sitter') as typeof import('web-tree-sitter');
    const live = new Set<unknown>();
    let made = 0;
    const parse = wts.Parser.prototype.parse;
    const del = wts.Tree.prototype.delete;
    wts.Parser.prototype.parse = function (this: unknown, ...args: unknown[]) {
      const tree = (parse as (...a: unknown[]) => unknown).apply(this, args);
      if (tree) (made++, live.add(tree));
      return tree as ReturnType<typeof parse>;
    } as typeof parse;
    wts.Tree.prototype.delete = function (this: unknown) {
      live.delete(this);
      return del.call(this as InstanceType<typeof wts.Tree>);
    };
    try {
      const fixture = (p: string) => readFileSync(join(__dirname, '../../fixtures/frameworks', p), 'utf8');
      const rb = fixture('rails/db/migrate/20240102000000_index_users_email.rb');
      const exs = fixture('ecto/priv/repo/migrations/20240102000000_index_users_email.exs');
      const py = fixture('django/shop/migrations/0002_order_status_index.py');
      const alembicPy = fixture('alembic/versions/1a2b3c4d5e02_index_accounts_email.py');
      rails.extract(rb);
      rails.idioms?.optOutOfTransaction?.(rb, rails.extract(rb));
      extractRailsSchema('ActiveRecord::Schema[7.1].define(version: 2024_01_04_000000) do\n  create_table "users" do |t|\n  end\nend\n');
      ecto.extract(exs);
      ecto.idioms?.optOutOfTransaction?.(exs, ecto.extract(exs));
      django.extract(py, join(__dirname, '../../fixtures/frameworks/django/shop/migrations/0002_order_status_index.py'));
      alembic.extract(alembicPy);
      alembicRevision(alembicPy);
      activeRecord.extract('class User < ApplicationRecord\n  self.table_name = "people"\nend\n', 'app/models/user.rb');
      djangoModels.extract('from django.db import models\nclass Order(models.Model):\n    status = models.CharField()\n', 'shop/models.py');
      sqlalchemy.extract('class Order(Base):\n    __tablename__ = "orders"\n    status = Column(String)\n', 'models.py');
    } finally {
      wts.Parser.prototype.parse = parse;
      wts.Tree.prototype.delete = del;
    }
    assert.ok(made >= 13, `only ${made} trees were parsed: the spy missed the parsers`);
    assert.equal(live.size, 0, `${live.size} of ${made} trees were never deleted`);
  });
});
