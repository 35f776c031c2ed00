/**
 * TypeORM migrations: a class implementing MigrationInterface whose up/down take a QueryRunner.
 * SQL comes from `queryRunner.query('…')`. TypeORM's default `migrationsTransactionMode` is `all`
 * (every pending migration in one transaction); a class with `transaction = false` runs outside it,
 * which TypeORM allows only with `migrationsTransactionMode: 'each'` (it refuses an override in `all`).
 */
import type * as TS from 'typescript';
import { concurrentlyInLiteral, indentAt, pascal } from './sqlText';
import { literalValue, parseSource, propertyName, spanOf, ts } from './tsAst';
import type { FrameworkExtractor, TransactionModel } from './types';
import { onParam, walkMigration, type CallSite } from './walk';
import { writeJsMigrations } from './writeJs';

function visit(site: CallSite) {
  if (!onParam(site, 0)) return 'skip' as const;
  const last = site.path[site.path.length - 1];
  // queryRunner.query(sql, params?) and queryRunner.manager.query(sql)
  if (last === 'query' && (site.path.length === 2 || site.path[1] === 'manager')) {
    site.out.literal(site.call.arguments[0], site.call);
    return 'consumed' as const;
  }
  if (['startTransaction', 'commitTransaction', 'rollbackTransaction'].includes(last)) {
    site.out.skip(site.call, `queryRunner.${last} (manual transaction control)`);
    return 'consumed' as const;
  }
  // createIndex(new TableIndex(…)), addColumn(…): TypeORM's schema API builds SQL from runtime objects.
  site.out.skip(site.call, `queryRunner.${last} (TypeORM schema API, not translated)`);
  return 'consumed' as const;
}

function migrationClass(sf: TS.SourceFile): TS.ClassLikeDeclaration | undefined {
  const t = ts();
  let found: TS.ClassLikeDeclaration | undefined;
  const walk = (n: TS.Node) => {
    if (!found && (t.isClassDeclaration(n) || t.isClassExpression(n)) && n.members.some((m) => m.name && propertyName(m.name) === 'up')) found = n;
    t.forEachChild(n, walk);
  };
  walk(sf);
  return found;
}

function transactionProperty(sf: TS.SourceFile): TS.PropertyDeclaration | undefined {
  const t = ts();
  return migrationClass(sf)?.members.find(
    (m): m is TS.PropertyDeclaration => t.isPropertyDeclaration(m) && !!m.name && propertyName(m.name) === 'transaction',
  );
}

function transaction(sf: TS.SourceFile): TransactionModel {
  const prop = transactionProperty(sf);
  const value = literalValue(prop?.initializer, sf);
  if (prop && value === false) return { wrapped: false, because: '`transaction = false` on the migration class', decidedAt: spanOf(prop, sf) };
  if (prop && value === true) return { wrapped: true, because: '`transaction = true` on the migration class', decidedAt: spanOf(prop, sf) };
  return { wrapped: true, because: "TypeORM runs migrations in a transaction (migrationsTransactionMode 'all' by default)" };
}

export const typeorm: FrameworkExtractor = {
  id: 'typeorm',
  label: 'TypeORM',
  extensions: ['.ts', '.js', '.mts', '.cts', '.mjs', '.cjs'],
  detect: (_path, text) => /\bMigrationInterface\b/.test(text) || (/\bqueryRunner\b/.test(text) && /\bup\s*\(/.test(text) && /\bclass\b/.test(text)),
  extract: (text, path) => walkMigration({ framework: 'typeorm', text, path, visit, transaction }),
  idioms: {
    optOutWords: "set `transaction = false` on the migration class (TypeORM honours it with migrationsTransactionMode 'each': `migration:run -t each`)",
    optOutOfTransaction(text) {
      const sf = parseSource(text);
      const prop = transactionProperty(sf);
      if (prop?.initializer) return [{ start: prop.initializer.getStart(sf), end: prop.initializer.getEnd(), newText: 'false' }];
      const cls = migrationClass(sf);
      if (!cls) return undefined;
      const first = cls.members[0];
      const open = text.indexOf('{', (cls.heritageClauses?.at(-1) ?? cls.name ?? cls).getEnd());
      const indent = first ? indentAt(text, first.getStart(sf)) : '    ';
      return [{ start: open + 1, end: open + 1, newText: `\n${indent}transaction = false;\n` }];
    },
    concurrently: (_text, stmt) => concurrentlyInLiteral(stmt),
    newMigrationName: (slug, now) => `${now.getTime()}-${pascal(slug)}.ts`,
    writeMigrations: (migrations, options) => writeJsMigrations('typeorm', migrations, options),
  },
};
