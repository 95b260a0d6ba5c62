/**
 * Just enough of Python's lexical structure to edit mask programs as text: tokens with their
 * offsets, and the program's top-level statements (constants, list literals, defs, the
 * `mask_mod = ...` entry). The compiler in app/mask is the judge of what a program means; this
 * module only finds names and ranges so composition can rename and splice without reformatting
 * what the user wrote.
 */

export type TokenKind = 'name' | 'number' | 'string' | 'comment' | 'op';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Bracket depth before this token. */
  readonly depth: number;
  /** True when this is the first token of its physical line. */
  readonly lineStart: boolean;
  /** Column of the token in its line (spaces and tabs count one). */
  readonly column: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0;
  let lineStartOffset = 0;
  let atLineStart = true;
  const push = (kind: TokenKind, start: number, end: number) => {
    tokens.push({
      kind,
      text: source.slice(start, end),
      start,
      end,
      depth,
      lineStart: atLineStart,
      column: start - lineStartOffset,
    });
    atLineStart = false;
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      i += 1;
      lineStartOffset = i;
      atLineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\\') {
      i += 1;
      continue;
    }
    if (c === '#') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      push('comment', i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      const stop = stringEnd(source, i);
      const text = source.slice(i, stop);
      push('string', i, stop);
      // A triple-quoted string may span lines: keep line bookkeeping right.
      const lastNewline = text.lastIndexOf('\n');
      if (lastNewline >= 0) lineStartOffset = i + lastNewline + 1;
      i = stop;
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < source.length && NAME_PART.test(source[j])) j += 1;
      push('name', i, j);
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < source.length && /[0-9A-Za-z_.]/.test(source[j])) {
        // An exponent sign belongs to the number: 1e-3.
        if ((source[j] === 'e' || source[j] === 'E') && /[+-]/.test(source[j + 1] ?? '')) j += 1;
        j += 1;
      }
      push('number', i, j);
      i = j;
      continue;
    }
    if ('([{'.includes(c)) {
      push('op', i, i + 1);
      depth += 1;
      i += 1;
      continue;
    }
    if (')]}'.includes(c)) {
      depth = Math.max(0, depth - 1);
      push('op', i, i + 1);
      i += 1;
      continue;
    }
    const two = source.slice(i, i + 2);
    const three = source.slice(i, i + 3);
    const width = ['**=', '//=', '>>=', '<<='].includes(three)
      ? 3
      : ['**', '//', '==', '!=', '<=', '>=', '<<', '>>', '->', '+=', '-=', '*=', '/='].includes(two)
        ? 2
        : 1;
    push('op', i, i + width);
    i += width;
  }
  return tokens;
}

function stringEnd(source: string, start: number): number {
  const quote = source[start];
  const triple = source.slice(start, start + 3) === quote.repeat(3);
  let i = start + (triple ? 3 : 1);
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (triple) {
      if (source.slice(i, i + 3) === quote.repeat(3)) return i + 3;
    } else {
      if (c === quote) return i + 1;
      if (c === '\n') return i;
    }
    i += 1;
  }
  return source.length;
}

export type StatementKind = 'def' | 'assign' | 'import' | 'other';

/** One top-level statement: its kind, the name it binds (if any) and its text range. */
export interface TopLevelStatement {
  readonly kind: StatementKind;
  readonly name: string | null;
  /** From the first token to the end of its last line's last token. */
  readonly start: number;
  readonly end: number;
  readonly tokens: readonly Token[];
}

/**
 * How many texts keep their statements. Every panel asks about the text being edited (and the
 * parameter panel, during a slider drag, also about the text last compiled), so a handful covers
 * a render; a 100 KB program's statements take a few megabytes.
 */
const STATEMENT_CACHE_SIZE = 4;
const statementCache = new Map<string, readonly TopLevelStatement[]>();

/**
 * Splits a program into top-level statements. A statement starts at a token in column 0 outside
 * brackets; comments between statements belong to no statement.
 *
 * Tokenizing is linear in the text, but a 100 KB program still takes around ten milliseconds
 * (more on a slow machine), and every panel (the figure's title, the export, each parameter)
 * asks on each render: the answer is memoised by the text, so a program is tokenized once per
 * change however many ask. The result is shared and must not be modified (its types say so).
 */
export function topLevelStatements(source: string): readonly TopLevelStatement[] {
  const cached = statementCache.get(source);
  if (cached !== undefined) {
    // Most recently used last, so the oldest entry is the first one out.
    statementCache.delete(source);
    statementCache.set(source, cached);
    return cached;
  }
  const statements = Object.freeze(splitStatements(source));
  statementCache.set(source, statements);
  while (statementCache.size > STATEMENT_CACHE_SIZE) {
    const oldest = statementCache.keys().next();
    if (oldest.done === true) break;
    statementCache.delete(oldest.value);
  }
  return statements;
}

function splitStatements(source: string): TopLevelStatement[] {
  const tokens = tokenize(source);
  const groups: Token[][] = [];
  let current: Token[] | null = null;
  for (const token of tokens) {
    // A closing bracket at column 0 (`) -> Mask:` after a long def header) continues its statement.
    const closes =
      token.kind === 'op' && (token.text === ')' || token.text === ']' || token.text === '}');
    const startsStatement = token.lineStart && token.column === 0 && token.depth === 0 && !closes;
    if (startsStatement && token.kind === 'comment') {
      current = null;
      continue;
    }
    if (startsStatement) {
      current = [token];
      groups.push(current);
    } else if (current) {
      current.push(token);
    }
  }
  return groups.map((group) => {
    const first = group[0];
    let lastIndex = group.length - 1;
    while (lastIndex > 0 && group[lastIndex].kind === 'comment') lastIndex -= 1;
    const last = group[lastIndex];
    let kind: StatementKind = 'other';
    let name: string | null = null;
    if (first.kind === 'name' && first.text === 'def' && group[1]?.kind === 'name') {
      kind = 'def';
      name = group[1].text;
    } else if (first.kind === 'name' && (first.text === 'import' || first.text === 'from')) {
      kind = 'import';
    } else if (first.kind === 'name' && isAssignmentOperator(group[1])) {
      kind = 'assign';
      name = first.text;
    } else if (first.kind === 'name' && group[1]?.text === ':' && group[1].kind === 'op') {
      // An annotated assignment: `WINDOW: int = 3`.
      const equals = group.findIndex((t) => t.kind === 'op' && t.text === '=' && t.depth === 0);
      if (equals > 0) {
        kind = 'assign';
        name = first.text;
      }
    }
    return { kind, name, start: first.start, end: last.end, tokens: group };
  });
}

function isAssignmentOperator(token: Token | undefined): boolean {
  return token !== undefined && token.kind === 'op' && token.text === '=';
}

/** The names a program binds at top level, in order of first appearance. */
export function topLevelNames(source: string): string[] {
  const names = new Set<string>();
  for (const statement of topLevelStatements(source)) {
    if (statement.name) names.add(statement.name);
  }
  return [...names];
}

/**
 * Renames identifiers throughout a program: every name token in the map except attributes
 * (`torch.where` keeps `where`). Locals and parameters that shadow a renamed name are renamed with
 * it, which keeps the program's meaning.
 */
export function renameIdentifiers(source: string, renames: ReadonlyMap<string, string>): string {
  if (renames.size === 0) return source;
  const tokens = tokenize(source);
  let out = '';
  let cursor = 0;
  tokens.forEach((token, index) => {
    if (token.kind !== 'name') return;
    const replacement = renames.get(token.text);
    if (replacement === undefined) return;
    const previous = tokens[index - 1];
    if (previous && previous.kind === 'op' && previous.text === '.') return;
    out += source.slice(cursor, token.start) + replacement;
    cursor = token.end;
  });
  return out + source.slice(cursor);
}
