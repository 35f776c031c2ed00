/**
 * Tree-sitter syntax trees for the model sources that need more than string literals (Django,
 * SQLAlchemy, ActiveRecord), with the grammars the framework extractors load
 * (server/src/frameworks/treeSitter.ts). A file whose grammar is not loaded yields no tree.
 */
import type { Node } from 'web-tree-sitter';
import { parserFor, type GrammarName } from '../../frameworks/treeSitter';

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
