import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandOperands, holdsAtLeast, naturalCompare } from '../../../server/src/cli/files';

describe('cli file operands', () => {
  let root: string;
  const touch = (rel: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), 'SELECT 1;\n');
  };
  const paths = (operands: string[], stdinName?: string) => expandOperands(operands, root, stdinName).targets.map((t) => t.displayPath);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lockstep-files-'));
    for (const f of ['db/V10__c.sql', 'db/V2__b.sql', 'db/V1__a.sql', 'db/sub/V3__x.SQL', 'db/notes.md', 'node_modules/pkg/x.sql', '.git/x.sql']) {
      touch(f);
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('sorts numbers by value', () => {
    const sorted = ['V10__c', 'V2__b', 'V1__a', 'V02__z', 'v1_a', 'V1__a10', 'V1__a9'].sort(naturalCompare);
    assert.deepEqual(sorted, ['V1__a', 'V1__a9', 'V1__a10', 'V2__b', 'V02__z', 'V10__c', 'v1_a']);
  });

  it('walks folders for .sql files in natural order, skipping node_modules and .git', () => {
    assert.deepEqual(paths(['.']), ['db/V1__a.sql', 'db/V2__b.sql', 'db/V10__c.sql', 'db/sub/V3__x.SQL']);
  });

  it('walks into Django migrations but not a virtualenv (installed packages ship their own migrations)', () => {
    const migration = 'from django.db import migrations\nclass Migration(migrations.Migration):\n    operations = []\n';
    for (const f of ['shop/migrations/0001_initial.py', '.venv/lib/python3.12/site-packages/django/contrib/auth/migrations/0001_initial.py', 'venv/lib/site-packages/x/migrations/0001_initial.py']) {
      touch(f);
      writeFileSync(join(root, f), migration);
    }
    assert.deepEqual(paths(['.']).filter((p) => p.endsWith('.py')), ['shop/migrations/0001_initial.py']);
  });

  it('expands globs with its own matcher', () => {
    assert.deepEqual(paths(['db/*.sql']), ['db/V1__a.sql', 'db/V2__b.sql', 'db/V10__c.sql']);
    assert.deepEqual(paths(['db/**/V?__*']), ['db/V1__a.sql', 'db/V2__b.sql', 'db/sub/V3__x.SQL']);
    assert.deepEqual(paths([`${root}/db/V1*.sql`]), ['db/V1__a.sql', 'db/V10__c.sql']);
  });

  it('lints an explicitly named file whatever its extension, once', () => {
    const { targets } = expandOperands(['db/notes.md', 'db', './db/V1__a.sql'], root);
    assert.equal(targets.filter((t) => t.displayPath === 'db/V1__a.sql').length, 1);
    assert.equal(targets.find((t) => t.displayPath === 'db/V1__a.sql')!.explicit, true);
    assert.equal(targets.find((t) => t.displayPath === 'db/V2__b.sql')!.explicit, false);
    assert.ok(targets.some((t) => t.displayPath === 'db/notes.md'));
  });

  it('puts standard input last, under its given name', () => {
    const { targets } = expandOperands(['-', 'db/V2__b.sql'], root, 'V9__stdin.sql');
    assert.deepEqual(targets.map((t) => [t.displayPath, t.absolutePath]), [
      ['db/V2__b.sql', join(root, 'db/V2__b.sql')],
      ['V9__stdin.sql', undefined],
    ]);
  });

  it('reports operands that match nothing, and keeps the rest', () => {
    mkdirSync(join(root, 'empty'));
    const { targets, problems } = expandOperands(['missing.sql', 'empty', 'nowhere/**/*.sql', 'db/V1__a.sql'], root);
    assert.deepEqual(targets.map((t) => t.displayPath), ['db/V1__a.sql']);
    assert.deepEqual(problems, [
      { path: 'missing.sql', message: 'no such file or directory' },
      { path: 'empty', message: 'no .sql files or framework migrations found in this directory' },
      { path: 'nowhere/**/*.sql', message: 'no files match this pattern' },
    ]);
  });

  it('splits each path once to sort a folder, not once per comparison', () => {
    for (let i = 1; i <= 300; i++) touch(`big/V${i}__s.sql`);
    touch('big/sub/V1__deeper.sql');
    const split = String.prototype.split;
    let splits = 0;
    // Node's own path code calls its saved copy of split, so only this module's calls are counted.
    String.prototype.split = function (this: string, ...args: Parameters<typeof split>) {
      splits++;
      return split.apply(this, args);
    } as typeof split;
    let sorted: string[];
    try {
      sorted = paths(['big']);
    } finally {
      String.prototype.split = split;
    }
    assert.equal(sorted.length, 301);
    assert.deepEqual(sorted.slice(0, 3), ['big/V1__s.sql', 'big/V2__s.sql', 'big/V3__s.sql']);
    // A file sorts before a sibling folder's contents.
    assert.deepEqual(sorted.slice(-2), ['big/V300__s.sql', 'big/sub/V1__deeper.sql']);
    assert.ok(splits <= 301, `${splits} splits for 301 paths (two per comparison made ~2,500)`);
  });

  it('resolves the real path only of the operand and of folders reached through a link', () => {
    // A symlink to a folder holding a link back up: still walked once, still no loop.
    mkdirSync(join(root, 'elsewhere/deeper'), { recursive: true });
    writeFileSync(join(root, 'elsewhere/deeper/V4__y.sql'), 'SELECT 1;\n');
    symlinkSync(join(root, 'elsewhere'), join(root, 'db/linked'));
    symlinkSync(join(root, 'db'), join(root, 'elsewhere/deeper/back'));
    // The module object itself: files.ts reads `realpathSync` from it at each call.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as { realpathSync: (...args: unknown[]) => unknown };
    const realpath = fs.realpathSync;
    const resolved: string[] = [];
    fs.realpathSync = (...args: unknown[]) => (resolved.push(String(args[0])), realpath(...args));
    let found: string[];
    try {
      found = paths(['db']);
    } finally {
      fs.realpathSync = realpath;
    }
    assert.deepEqual(found, ['db/V1__a.sql', 'db/V2__b.sql', 'db/V10__c.sql', 'db/linked/deeper/V4__y.sql', 'db/sub/V3__x.SQL']);
    // The operand, the link, and the link back (already seen); db/sub and elsewhere/deeper are no links.
    assert.deepEqual(resolved, [join(root, 'db'), join(root, 'db/linked'), join(root, 'db/linked/deeper/back')]);
  });

  it('survives symlink loops and dangling links', () => {
    symlinkSync(join(root, 'db'), join(root, 'db/sub/loop'));
    symlinkSync(join(root, 'gone.sql'), join(root, 'db/dangling.sql'));
    assert.deepEqual(paths(['db']), ['db/V1__a.sql', 'db/V2__b.sql', 'db/V10__c.sql', 'db/sub/V3__x.SQL']);
  });
});

describe('holdsAtLeast (is a folder worth a read-ahead thread?)', () => {
  it('counts files and folders down the tree, not the folders a walk skips, and takes a link as many', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-holds-'));
    try {
      for (const name of ['V1__a.sql', 'V2__b.sql', 'V3__c.sql']) writeFileSync(join(dir, name), '');
      mkdirSync(join(dir, 'sub'));
      for (const name of ['V4__d.sql', 'V5__e.sql']) writeFileSync(join(dir, 'sub', name), '');
      mkdirSync(join(dir, 'node_modules'));
      for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'node_modules', `f${i}`), '');
      // 3 files, 2 folders, 2 files in sub: 7 entries.
      assert.equal(holdsAtLeast(dir, 7), true);
      assert.equal(holdsAtLeast(dir, 8), false);
      assert.equal(holdsAtLeast(join(dir, 'missing'), 1), false);
      symlinkSync(join(dir, 'sub'), join(dir, 'link'));
      assert.equal(holdsAtLeast(dir, 64), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
