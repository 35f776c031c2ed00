/**
 * A small glob matcher (node 20 has no fs.glob): `*`, `?`, `**`, `[abc]`, `[!abc]` and `{a,b}`,
 * matched against `/`-separated relative paths. Used by config `exclude` and CLI arguments.
 */

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** Translates a glob to the source of an anchored regular expression. */
function globSource(glob: string): string {
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const atSegmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atSegmentStart && atSegmentEnd) {
          // `**/` matches zero or more whole directories; a trailing `**` matches everything below.
          if (glob[i + 2] === '/') {
            out += '(?:[^/]*/)*';
            i += 2;
          } else {
            out += '.*';
            i += 1;
          }
          continue;
        }
        i += 1; // `a**b` behaves like `a*b`
      }
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, (c) => `\\${c}`)}]`;
      i = close;
    } else if (ch === '{') {
      braceDepth++;
      out += '(?:';
    } else if (ch === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (ch === ',' && braceDepth > 0) {
      out += '|';
    } else if (ch === '\\' && i + 1 < glob.length) {
      out += escapeRegExp(glob[++i]);
    } else {
      out += escapeRegExp(ch);
    }
  }
  // An unclosed `{` is treated literally rather than producing an invalid expression.
  if (braceDepth > 0) return globSource(glob.replace(/\{/g, '\\{'));
  return out;
}

/** Normalises Windows separators and a leading `./` so patterns and paths compare alike. */
export function toPosixPath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
}

/** Globs always use `/`; a backslash escapes the next character. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${globSource(glob.replace(/^(?:\.\/)+/, ''))}$`);
}

export function isGlob(pattern: string): boolean {
  return /[*?[{]/.test(pattern);
}

/** The part of a glob before its first wildcard segment: the directory to start walking from. */
export function globBase(glob: string): string {
  const segments = glob.replace(/^(?:\.\/)+/, '').split('/');
  const fixed: string[] = [];
  for (const segment of segments) {
    if (isGlob(segment)) break;
    fixed.push(segment);
  }
  if (fixed.length === segments.length) fixed.pop();
  const base = fixed.join('/');
  return base === '' && glob.startsWith('/') ? '/' : base || '.';
}
