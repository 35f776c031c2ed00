/**
 * SQL in TypeScript/JavaScript string and template literals, read with the TypeScript compiler
 * (loaded lazily, like the framework extractors): `${…}` interpolations become parameters, so
 * db.query(`SELECT … WHERE id = ${id}`) parses; an interpolated table or column name does not.
 */
import type * as TS from 'typescript';
import { parseSource, ts } from '../../frameworks/tsAst';
import { decodeEscapes } from '../text';
import type { RawReference, ReferenceSource } from '../types';
import { joinPieces, referencesInString } from './sqlInStrings';

export const TS_EXTENSIONS = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;

export const tsStrings: ReferenceSource = {
  id: 'sql-string',
  accepts: (path) => TS_EXTENSIONS.test(path) && !/\.d\.ts$/i.test(path),
  extract(text, path) {
    // Cheap filter: most files hold no SQL keyword at all and are never parsed.
    if (!/\b(?:select|insert|update|delete|with|merge)\b/i.test(text)) return [];
    const t = ts();
    const sf = parseSource(text, /\.(?:tsx|jsx)$/i.test(path) ? path : path.replace(/\.[^.]+$/, /\.(?:ts|mts|cts)$/i.test(path) ? '.ts' : '.js'));
    const refs: RawReference[] = [];
    const visit = (node: TS.Node): void => {
      if (t.isStringLiteral(node) || t.isNoSubstitutionTemplateLiteral(node)) {
        refs.push(...referencesInString(decodeEscapes(text, node.getStart(sf) + 1, node.getEnd() - 1)));
        return;
      }
      if (t.isTemplateExpression(node)) {
        const head = node.head;
        const pieces = [decodeEscapes(text, head.getStart(sf) + 1, head.getEnd() - 2)] as Parameters<typeof joinPieces>[0];
        for (const span of node.templateSpans) {
          pieces.push({ hole: span.expression.getStart(sf) });
          const lit = span.literal;
          const tail = t.isTemplateTail(lit);
          pieces.push(decodeEscapes(text, lit.getStart(sf) + 1, lit.getEnd() - (tail ? 1 : 2)));
          visit(span.expression);
        }
        refs.push(...referencesInString(joinPieces(pieces)));
        return;
      }
      t.forEachChild(node, visit);
    };
    visit(sf);
    return refs;
  },
};
