/**
 * Globs for config `exclude` and CLI arguments: `*`, `?`, `**`, `[abc]`, `[!abc]`, `{a,b}`, matched
 * against `/`-separated relative paths by picomatch. Hostile patterns (a committed config is input)
 * are bounded before they reach it: repeated `**` segments collapse to one, and a pattern with more
 * wildcards than MAX_WILDCARDS is refused, because a backtracking matcher's cost grows with
 * (path length)^(wildcards) — `*a*a*a*a*b` alone takes picomatch half a minute on 200 characters.
 */
import picomatch from 'picomatch';

/** `*` and `?` runs (`**` counts once) per pattern, and per path segment. */
export const MAX_WILDCARDS = 8;
export const MAX_SEGMENT_WILDCARDS = 3;
/** Longer patterns are refused too (picomatch's own ceiling is 64 KB). */
export const MAX_GLOB_LENGTH = 1024;

/** Normalises Windows separators and a leading `./` so patterns and paths compare alike. */
export function toPosixPath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
}

/** `a/**\/**\/b` → `a/**\/b`: consecutive globstars mean the same and only cost backtracking. */
function collapseGlobstars(glob: string): string {
  let out = glob;
  for (let previous = ''; previous !== out; ) {
    previous = out;
    out = out.replace(/(^|\/)\*\*\/\*\*(?=\/|$)/g, '$1**');
  }
  return out;
}

/** Why `glob` is refused, or undefined when it is safe to match. */
export function globProblem(glob: string): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH) return `a glob may be at most ${MAX_GLOB_LENGTH} characters long`;
  const collapsed = collapseGlobstars(glob.replace(/^(?:\.\/)+/, ''));
  let total = 0;
  for (const segment of collapsed.split('/')) {
    const wildcards = segment === '**' ? 1 : (segment.replace(/\\./g, '').match(/[*?]+/g) ?? []).length;
    if (wildcards > MAX_SEGMENT_WILDCARDS) return `at most ${MAX_SEGMENT_WILDCARDS} wildcards per path segment (matching cost grows with each one); "${segment}" has ${wildcards}`;
    total += wildcards;
  }
  if (total > MAX_WILDCARDS) return `at most ${MAX_WILDCARDS} wildcards per glob (matching cost grows with each one); this one has ${total}`;
  return undefined;
}

/** Globs always use `/`; a backslash escapes the next character. Throws for a refused glob (see globProblem). */
export function globToRegExp(glob: string): RegExp {
  const known = compiled.get(glob);
  if (known) return known;
  const problem = globProblem(glob);
  if (problem) throw new Error(`glob "${glob.slice(0, 80)}": ${problem}`);
  const re = picomatch.makeRe(literalise(collapseGlobstars(glob.replace(/^(?:\.\/)+/, ''))), { dot: true, noextglob: true, nonegate: true });
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(glob, re);
  return re;
}

/** Exclusions are checked for every file; compile each pattern once (bounded, patterns are input). */
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 512;

/**
 * Only the documented syntax is special: `(`, `)`, `+`, `@`, `!` and `|` are literal characters in a
 * file name (picomatch would read extglobs), `[!…]` negates a class, and an unclosed `{` is literal.
 */
function literalise(glob: string): string {
  const balanced = (glob.match(/(?<!\\)\{/g) ?? []).length === (glob.match(/(?<!\\)\}/g) ?? []).length;
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '\\' && i + 1 < glob.length) {
      out += ch + glob[++i];
    } else if (ch === '[' && glob.indexOf(']', i + 2) > 0) {
      const close = glob.indexOf(']', i + 2);
      const body = glob.slice(i + 1, close);
      out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = close;
    } else if ('()+@!|'.includes(ch) || ((ch === '{' || ch === '}') && !balanced) || ch === '[') {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  }
  return out;
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
