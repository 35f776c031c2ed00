/**
 * SQL in Python and Ruby string literals (heredocs included), read with the tree-sitter grammars
 * the framework extractors load (server/src/frameworks/treeSitter.ts, one grammar at a time).
 * `{…}` / `#{…}` interpolations become parameters. A file whose grammar is not loaded yields nothing.
 */
import type { Node } from 'web-tree-sitter';
import { parserFor, type GrammarName } from '../../frameworks/treeSitter';
import { decodeEscapes, mapped, type MappedText } from '../text';
import type { RawReference, ReferenceSource } from '../types';
import { joinPieces, referencesInString } from './sqlInStrings';

/** Parse `text` with a loaded grammar, or undefined (grammar not loaded, parse failure). */
export function treeOf(grammar: GrammarName, text: string): Node | undefined {
  const parser = parserFor(grammar);
  if (!parser) return undefined;
  try {
    const tree = parser.parse(text);
    return tree?.rootNode;
  } finally {
    parser.delete();
  }
}

export function* descendants(node: Node): Generator<Node> {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
}

/** Raw strings (Python r'', Ruby '…' and %q) keep backslashes; the others decode them. */
function contentOf(text: string, n: Node, raw: boolean): MappedText {
  return raw ? mapped(text.slice(n.startIndex, n.endIndex), n.startIndex) : decodeEscapes(text, n.startIndex, n.endIndex);
}

/** The value of a string node with interpolations as holes. */
export function stringPieces(text: string, node: Node, grammar: GrammarName): MappedText {
  const opener = text.slice(node.startIndex, node.startIndex + 3);
  const raw = grammar === 'python' ? /^[a-zA-Z]*[rR]/.test(opener) : /^'|^%q|^%w/.test(opener);
  const pieces: Parameters<typeof joinPieces>[0] = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'interpolation') pieces.push({ hole: c.startIndex });
    else if (c.type === 'string_content' || c.type === 'heredoc_content') pieces.push(contentOf(text, c, raw));
    else if (c.type === 'escape_sequence') pieces.push(decodeEscapes(text, c.startIndex, c.endIndex));
  }
  return joinPieces(pieces);
}

function stringsSource(grammar: GrammarName, ext: RegExp): ReferenceSource {
  return {
    id: 'sql-string',
    accepts: (path) => ext.test(path),
    extract(text) {
      if (!/\b(?:select|insert|update|delete|with|merge)\b/i.test(text)) return [];
      const root = treeOf(grammar, text);
      if (!root) return [];
      const refs: RawReference[] = [];
      for (const n of descendants(root)) {
        if (n.type === 'string' || n.type === 'heredoc_body') refs.push(...referencesInString(stringPieces(text, n, grammar)));
      }
      return refs;
    },
  };
}

export const pythonStrings = stringsSource('python', /\.py$/i);
export const rubyStrings = stringsSource('ruby', /\.(?:rb|rake)$/i);
