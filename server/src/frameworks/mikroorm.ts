/**
 * MikroORM migrations: `export class Migration2024… extends Migration { async up() { this.addSql('…'); } }`.
 * SQL comes from `this.addSql('…')`. MikroORM runs each migration in a transaction
 * (`migrations.transactional`, default true) unless the class overrides `isTransactional()` to
 * return false.
 */
import type * as TS from 'typescript';
import { concurrentlyInLiteral, indentAt, timestamp14 } from './sqlText';
import { parseSource, propertyName, spanOf, ts } from './tsAst';
import type { FrameworkExtractor, TransactionModel } from './types';
import { walkMigration, type CallSite } from './walk';

function visit(site: CallSite) {
  const { path, call, out } = site;
  if (path[0] !== 'this') return 'skip' as const;
  if (path[1] === 'addSql' && path.length === 2) {
    out.literal(call.arguments[0], call);
    return 'consumed' as const;
  }
  if (path[1] === 'execute') {
    out.skip(call, 'this.execute (runs immediately, outside the migration list)');
    return 'consumed' as const;
  }
  if (path[1] === 'getKnex' || path[1] === 'ctx') {
    out.skip(call, `this.${path[1]} query builder (not translated)`);
    return 'consumed' as const;
  }
  return 'skip' as const;
}

function migrationClass(sf: TS.SourceFile): TS.ClassDeclaration | undefined {
  const t = ts();
  return sf.statements.find((s): s is TS.ClassDeclaration => t.isClassDeclaration(s) && !!s.heritageClauses?.some((h) => /\bMigration\b/.test(h.getText(sf))));
}

function isTransactionalMethod(sf: TS.SourceFile): TS.MethodDeclaration | undefined {
  const t = ts();
  return migrationClass(sf)?.members.find((m): m is TS.MethodDeclaration => t.isMethodDeclaration(m) && propertyName(m.name) === 'isTransactional');
}

function transaction(sf: TS.SourceFile): TransactionModel {
  const m = isTransactionalMethod(sf);
  if (m && /return\s+false\b/.test(m.body?.getText(sf) ?? '')) return { wrapped: false, because: '`isTransactional()` returns false', decidedAt: spanOf(m, sf) };
  return { wrapped: true, because: 'MikroORM runs each migration in a transaction (migrations.transactional)' };
}

export const mikroOrm: FrameworkExtractor = {
  id: 'mikro-orm',
  label: 'MikroORM',
  extensions: ['.ts', '.js', '.mts', '.mjs'],
  detect: (_path, text) => /\bextends\s+Migration\b/.test(text) && /\baddSql\s*\(/.test(text),
  extract: (text, path) => walkMigration({ framework: 'mikro-orm', text, path, visit, transaction }),
  idioms: {
    optOutWords: 'override `isTransactional()` to return false in the migration class (and run it with `migrations.allOrNothing: false`, or in its own `migration:up`)',
    optOutOfTransaction(text) {
      const sf = parseSource(text);
      const cls = migrationClass(sf);
      if (!cls || isTransactionalMethod(sf)) return undefined;
      const first = cls.members[0];
      const indent = first ? indentAt(text, first.getStart(sf)) : '  ';
      const open = text.indexOf('{', (cls.heritageClauses?.at(-1) ?? cls).getEnd());
      const ts_ = /\.(c|m)?ts$/.test(sf.fileName) || /:\s*Promise<void>/.test(text);
      const sig = ts_ ? 'override isTransactional(): boolean' : 'isTransactional()';
      return [{ start: open + 1, end: open + 1, newText: `\n${indent}${sig} {\n${indent}${indent}return false;\n${indent}}\n` }];
    },
    concurrently: (_text, stmt) => concurrentlyInLiteral(stmt),
    newMigrationName: (slug, now) => `Migration${timestamp14(now)}_${slug}.ts`,
  },
};
