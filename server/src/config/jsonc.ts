/**
 * A small JSON-with-comments reader for `lockstep.config.json`.
 * It accepts `//` and `/* *\/` comments and trailing commas (as VS Code's own settings do),
 * and remembers where every value starts so validation problems can point at line:column.
 */

export interface JsoncParseResult {
  value?: unknown;
  /** Offset (UTF-16) where each value starts, keyed by its path, e.g. `rules.some-rule`; `` is the root. */
  offsets: Map<string, number>;
  error?: { message: string; offset: number };
}

class JsoncSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export function parseJsonc(text: string): JsoncParseResult {
  const offsets = new Map<string, number>();
  let pos = 0;

  const fail = (message: string, at = pos): never => {
    throw new JsoncSyntaxError(message, at);
  };

  function skipTrivia(): void {
    while (pos < text.length) {
      const ch = text[pos];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\uFEFF') {
        pos++;
      } else if (text.startsWith('//', pos)) {
        const end = text.indexOf('\n', pos);
        pos = end < 0 ? text.length : end + 1;
      } else if (text.startsWith('/*', pos)) {
        const end = text.indexOf('*/', pos + 2);
        if (end < 0) fail('unterminated block comment');
        pos = end + 2;
      } else {
        return;
      }
    }
  }

  function describe(at: number): string {
    return at >= text.length ? 'end of file' : `'${text[at]}'`;
  }

  function parseString(): string {
    const start = pos;
    const match = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(pos, pos + 1_000_000));
    if (!match) fail('invalid or unterminated string', start);
    pos += match![0].length;
    return JSON.parse(match![0]) as string;
  }

  function parseValue(path: string): unknown {
    skipTrivia();
    offsets.set(path, pos);
    const ch = text[pos];
    if (ch === '{') return parseObject(path);
    if (ch === '[') return parseArray(path);
    if (ch === '"') return parseString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(pos, pos + 400));
    if (!literal) fail(`unexpected ${describe(pos)}, expected a value`);
    pos += literal![0].length;
    return JSON.parse(literal![0]);
  }

  function parseObject(path: string): Record<string, unknown> {
    const result: Record<string, unknown> = Object.create(null);
    pos++; // '{'
    for (;;) {
      skipTrivia();
      if (text[pos] === '}') {
        pos++;
        return result;
      }
      if (text[pos] !== '"') fail(`unexpected ${describe(pos)}, expected a property name or '}'`);
      const key = parseString();
      skipTrivia();
      if (text[pos] !== ':') fail(`unexpected ${describe(pos)}, expected ':' after "${key}"`);
      pos++;
      result[key] = parseValue(path === '' ? key : `${path}.${key}`);
      skipTrivia();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== '}') fail(`unexpected ${describe(pos)}, expected ',' or '}'`);
    }
  }

  function parseArray(path: string): unknown[] {
    const result: unknown[] = [];
    pos++; // '['
    for (;;) {
      skipTrivia();
      if (text[pos] === ']') {
        pos++;
        return result;
      }
      result.push(parseValue(`${path}[${result.length}]`));
      skipTrivia();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== ']') fail(`unexpected ${describe(pos)}, expected ',' or ']'`);
    }
  }

  try {
    const value = parseValue('');
    skipTrivia();
    if (pos < text.length) fail(`unexpected ${describe(pos)} after the end of the JSON value`);
    return { value, offsets };
  } catch (err) {
    if (err instanceof JsoncSyntaxError) return { offsets, error: { message: err.message, offset: err.offset } };
    // Deep nesting can overflow the stack; report it like any other syntax problem.
    return { offsets, error: { message: 'value nested too deeply', offset: pos } };
  }
}
