/** What a user sees of the extension before using it: icon, walkthrough, menus, the enable switch, changelog. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const commands = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));

describe('extension manifest: first five minutes', () => {
  it('has a 128×128 PNG icon, a CHANGELOG, repository, bugs and keywords', () => {
    const png = readFileSync(join(ROOT, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    assert.match(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), /^# Changelog/);
    assert.match(manifest.repository.url, /^https:\/\//);
    assert.match(manifest.bugs.url, /^https:\/\//);
    assert.ok(manifest.keywords.includes('postgresql'));
  });

  it('walks through open → squiggle → hover → quick-fix → scaffold → connect, with media that ship', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    const ids = walkthrough.steps.map((s: { id: string }) => s.id);
    assert.deepEqual(ids.slice(0, 6), ['open-migration', 'see-squiggle', 'hover', 'quick-fix', 'scaffold', 'connect-database']);
    for (const step of walkthrough.steps) {
      assert.ok(existsSync(join(ROOT, step.media.markdown)), step.media.markdown);
      for (const [, command] of (step.description as string).matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(commands.has(command) || command.startsWith('workbench.'), `${step.id} links to ${command}`);
      }
    }
  });

  it('shows SQL-only commands only for SQL, and offers Split and Estimate in the editor context menu', () => {
    const palette = manifest.contributes.menus.commandPalette as Array<{ command: string; when: string }>;
    for (const id of ['lockstep.estimateLockImpact', 'lockstep.traceMigration']) {
      assert.equal(palette.find((m) => m.command === id)?.when, 'editorLangId == sql', id);
    }
    const context = (manifest.contributes.menus['editor/context'] as Array<{ command: string }>).map((m) => m.command);
    assert.deepEqual(context, ['lockstep.splitIntoPhases', 'lockstep.estimateLockImpact']);
    for (const menu of Object.values(manifest.contributes.menus) as Array<Array<{ command: string }>>) {
      for (const item of menu) assert.ok(commands.has(item.command), item.command);
    }
  });

  it('offers Split into Phases for SQL and for framework migrations, by their folder, and not for other code', () => {
    const command = (manifest.contributes.commands as Array<{ command: string; enablement?: string }>).find((c) => c.command === 'lockstep.splitIntoPhases');
    const menus = Object.values(manifest.contributes.menus as Record<string, Array<{ command: string; when: string }>>).flat().filter((m) => m.command === 'lockstep.splitIntoPhases');
    const clauses = [command?.enablement, ...menus.map((m) => m.when)];
    assert.equal(new Set(clauses).size, 1, 'the palette, the context menu and the enablement agree');
    const [sql, path] = String(clauses[0]).split(' || ');
    assert.equal(sql, 'editorLangId == sql');
    // VS Code evaluates `resourcePath =~ /…/` as a JavaScript RegExp.
    const literal = /^resourcePath =~ \/(.*)\/$/.exec(path)?.[1];
    assert.ok(literal, path);
    const migrationFolder = new RegExp(literal);
    const frameworkMigrations = [
      ...['typeorm', 'mikro-orm'].flatMap((name) => readdirSync(join(ROOT, 'test/fixtures/frameworks', name, 'migrations')).map((f) => join(ROOT, 'test/fixtures/frameworks', name, 'migrations', f))),
      ...readdirSync(join(ROOT, 'test/fixtures/framework-tools/rails/db/migrate')).map((f) => join(ROOT, 'test/fixtures/framework-tools/rails/db/migrate', f)),
      ...readdirSync(join(ROOT, 'test/fixtures/frameworks/ecto/priv/repo/migrations')).map((f) => join(ROOT, 'test/fixtures/frameworks/ecto/priv/repo/migrations', f)),
      join(ROOT, 'test/fixtures/framework-tools/django/shop/migrations/0002_changes.py'),
      '/app/alembic/versions/1a2b3c_add_index.py',
      'C:\\app\\src\\migration\\1700000000000-AddIndex.ts',
    ];
    assert.ok(frameworkMigrations.length > 6);
    for (const file of frameworkMigrations) assert.match(file, migrationFolder, file);
    for (const file of ['/app/src/orders/service.ts', '/app/db/seeds.rb', '/app/config/settings.py', '/app/migrations-notes/readme.ts', '/app/migrations/sub/helper.md']) {
      assert.doesNotMatch(file, migrationFolder, file);
    }
  });

  it('has a lockstep.enable switch, on by default', () => {
    assert.deepEqual(
      { type: manifest.contributes.configuration.properties['lockstep.enable'].type, default: manifest.contributes.configuration.properties['lockstep.enable'].default },
      { type: 'boolean', default: true },
    );
  });
});
