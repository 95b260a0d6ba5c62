/**
 * Composition of mask programs as text: the preset gallery's AND / OR / AND NOT / NOT and
 * "use this score_mod". The program text stays the single source of truth, so composing writes
 * a program a user can read: the second program's definitions are appended (names that collide
 * are renamed, identical definitions are shared) and the entry becomes
 * `mask_mod = and_masks(a, b)`, `or_masks(a, b)` or a `def` that returns `~a(...)`.
 */
import { renameIdentifiers, topLevelStatements, type TopLevelStatement } from '../mask/programText';

export type ComposeOperator = 'and' | 'or' | 'andNot' | 'scoreMod';

const ENTRY_NAMES = new Set(['mask_mod', 'score_mod']);
const ARGS = 'b, h, q_idx, kv_idx';

/** A Python identifier made from a preset id or title: `sliding-window` -> `sliding_window`. */
export function identifierFrom(label: string): string {
  const cleaned = label
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (cleaned === '') return 'preset';
  return /^[0-9]/.test(cleaned) ? `m_${cleaned}` : cleaned;
}

function freshName(hint: string, taken: Set<string>): string {
  let name = hint;
  for (let i = 2; taken.has(name); i += 1) name = `${hint}_${i}`;
  taken.add(name);
  return name;
}

/**
 * Removes statements from a text, each with the rest of its last line. One pass over the text
 * (the kept pieces are joined once), so removing thousands of statements stays linear.
 */
function removeStatements(source: string, statements: readonly TopLevelStatement[]): string {
  if (statements.length === 0) return source;
  const ranges = statements
    .map((s) => {
      const newline = source.indexOf('\n', s.end);
      return { start: s.start, end: newline < 0 ? source.length : newline + 1 };
    })
    .sort((a, b) => a.start - b.start);
  const kept: string[] = [];
  let cursor = 0;
  for (const range of ranges) {
    if (range.start > cursor) kept.push(source.slice(cursor, range.start));
    cursor = Math.max(cursor, range.end);
  }
  kept.push(source.slice(cursor));
  return kept.join('');
}

function statementText(source: string, statement: TopLevelStatement): string {
  return source.slice(statement.start, statement.end).replace(/\s+/g, ' ');
}

function lastEntry(statements: readonly TopLevelStatement[], name: string) {
  const matches = statements.filter((s) => s.name === name && s.kind !== 'other');
  return matches[matches.length - 1] ?? null;
}

/** The name an entry merely aliases (`mask_mod = causal`), or null for anything else. */
function aliasTarget(entry: TopLevelStatement): string | null {
  const code = entry.tokens.filter((t) => t.kind !== 'comment');
  if (entry.kind === 'assign' && code.length === 3 && code[2].kind === 'name') return code[2].text;
  return null;
}

/** For `mask_mod = and_masks(x, y)`: the combinator and its argument text. */
function combinatorCall(
  source: string,
  entry: TopLevelStatement,
): { fn: 'and_masks' | 'or_masks'; args: string } | null {
  const code = entry.tokens.filter((t) => t.kind !== 'comment');
  if (entry.kind !== 'assign' || code.length < 5) return null;
  const fn = code[2].text;
  if (fn !== 'and_masks' && fn !== 'or_masks') return null;
  const open = code[3];
  const close = code[code.length - 1];
  if (open.text !== '(' || close.text !== ')' || close.depth !== 0) return null;
  // The call must close only at the very end: `and_masks(a)(...)` is not a plain call.
  const closesAt = code.findIndex((t, i) => i > 3 && t.text === ')' && t.depth === 0);
  if (closesAt !== code.length - 1) return null;
  const args = source.slice(open.end, close.start).replace(/\s+/g, ' ').trim().replace(/,$/, '');
  return { fn, args };
}

/**
 * Takes `mask_mod` out of a program so it can be combined: returns the program without its entry
 * (or with the entry renamed) and the name that now holds the mask.
 */
function detachEntry(
  source: string,
  entryName: string,
  hint: string,
  taken: Set<string>,
): { source: string; ref: string | null; call: ReturnType<typeof combinatorCall> } {
  const statements = topLevelStatements(source);
  const entry = lastEntry(statements, entryName);
  if (!entry) return { source, ref: null, call: null };
  const alias = aliasTarget(entry);
  if (alias !== null && alias !== entryName) {
    return { source: removeStatements(source, [entry]), ref: alias, call: null };
  }
  const call = combinatorCall(source, entry);
  const renamed = freshName(hint, taken);
  const withoutEntry = call ? removeStatements(source, [entry]) : source;
  return {
    source: renameIdentifiers(withoutEntry, new Map([[entryName, renamed]])),
    ref: renamed,
    call,
  };
}

/**
 * Prepares the second program: renames its names that collide with the first's, drops
 * definitions (and imports) the first already has word for word.
 */
function mergeableAddition(base: string, addition: string, label: string) {
  const baseStatements = topLevelStatements(base);
  const baseByName = new Map<string, string>();
  for (const s of baseStatements) if (s.name) baseByName.set(s.name, statementText(base, s));
  const baseImports = new Set(
    baseStatements.filter((s) => s.kind === 'import').map((s) => statementText(base, s)),
  );
  const additionStatements = topLevelStatements(addition);
  const taken = new Set<string>([...baseByName.keys()]);
  for (const s of additionStatements) if (s.name) taken.add(s.name);

  const shared: TopLevelStatement[] = [];
  const renames = new Map<string, string>();
  for (const s of additionStatements) {
    if (s.kind === 'import' && baseImports.has(statementText(addition, s))) shared.push(s);
    if (!s.name || ENTRY_NAMES.has(s.name) || !baseByName.has(s.name)) continue;
    if (renames.has(s.name)) continue;
    if (baseByName.get(s.name) === statementText(addition, s)) {
      shared.push(s);
    } else {
      renames.set(s.name, freshName(`${s.name}_${label}`, taken));
    }
  }
  const trimmed = removeStatements(addition, shared);
  return { source: renameIdentifiers(trimmed, renames), taken };
}

function negation(ref: string, taken: Set<string>): { def: string; ref: string } {
  const name = freshName(`not_${ref}`, taken);
  return { def: `def ${name}(${ARGS}):\n    return ~${ref}(${ARGS})\n`, ref: name };
}

/** Joins parts with a blank line, and no run of more than two blank lines (PEP 8's spacing). */
function joinBlocks(blocks: string[]): string {
  const text = blocks
    .map((b) => b.trim())
    .filter((b) => b !== '')
    .join('\n\n');
  return text.replace(/\n{4,}/g, '\n\n\n') + '\n';
}

/**
 * Combines the program `base` with `addition` (a preset's program). `label` (a preset id) names
 * what has to be renamed. `title` goes into a comment above the added code.
 */
export function composePrograms(
  base: string,
  addition: string,
  op: ComposeOperator,
  label: string,
  title = label,
): string {
  const hint = identifierFrom(label);
  const merged = mergeableAddition(base, addition, hint);
  const taken = merged.taken;
  const heading = `# ${OPERATOR_WORDS[op]} ${title}`;

  if (op === 'scoreMod') {
    // Keep the base's mask; the addition brings its score_mod (and ANDs any mask it has).
    const baseStatements = topLevelStatements(base);
    const baseScore = baseStatements.filter((s) => s.name === 'score_mod');
    const baseWithoutScore = removeStatements(base, baseScore);
    const additionMask = lastEntry(topLevelStatements(merged.source), 'mask_mod');
    if (!additionMask) return joinBlocks([baseWithoutScore, heading + '\n' + merged.source]);
    return composeMaskEntries(baseWithoutScore, merged.source, 'and', hint, heading, taken);
  }

  // A mask preset's score_mod (rare) must not silently replace the base's.
  let additionSource = merged.source;
  const baseHasScore = lastEntry(topLevelStatements(base), 'score_mod') !== null;
  if (baseHasScore && lastEntry(topLevelStatements(additionSource), 'score_mod')) {
    const unused = freshName(`${hint}_score_mod`, taken);
    additionSource = renameIdentifiers(additionSource, new Map([['score_mod', unused]]));
  }
  return composeMaskEntries(base, additionSource, op, hint, heading, taken);
}

const OPERATOR_WORDS: Record<ComposeOperator, string> = {
  and: 'AND',
  or: 'OR',
  andNot: 'AND NOT',
  scoreMod: 'score_mod from',
};

function composeMaskEntries(
  base: string,
  addition: string,
  op: 'and' | 'or' | 'andNot',
  hint: string,
  heading: string,
  taken: Set<string>,
): string {
  const second = detachEntry(addition, 'mask_mod', `${hint}_mask`, taken);
  const first = detachEntry(base, 'mask_mod', 'base_mask', taken);
  if (second.ref === null) return joinBlocks([base, heading + '\n' + addition]);

  // The second mask's own `and_masks(...)` entry is kept under its new name.
  let additionText = second.source;
  if (second.call) additionText += `\n${second.ref} = ${second.call.fn}(${second.call.args})\n`;

  const blocks = [first.source, heading + '\n' + additionText];
  let right = second.ref;
  if (op === 'andNot') {
    const not = negation(second.ref, taken);
    blocks.push(not.def);
    right = not.ref;
  }
  const fn = op === 'or' ? 'or_masks' : 'and_masks';

  let entry: string;
  if (first.ref === null) {
    // No mask_mod means PyTorch's noop_mask: AND with it is the other mask, OR with it is all.
    entry = op === 'or' ? `mask_mod = or_masks(noop_mask, ${right})` : `mask_mod = ${right}`;
  } else if (first.call && first.call.fn === fn) {
    // Extend `and_masks(a, b)` to `and_masks(a, b, c)` rather than nesting.
    entry = `mask_mod = ${fn}(${first.call.args}, ${right})`;
  } else {
    if (first.call) blocks[0] += `\n${first.ref} = ${first.call.fn}(${first.call.args})\n`;
    entry = `mask_mod = ${fn}(${first.ref}, ${right})`;
  }
  blocks.push(entry);
  return joinBlocks(blocks);
}

/** NOT: the program's mask_mod becomes its negation. No mask_mod (all allowed) becomes none. */
export function negateProgram(source: string): string {
  const taken = new Set<string>();
  for (const s of topLevelStatements(source)) if (s.name) taken.add(s.name);
  const detached = detachEntry(source, 'mask_mod', 'base_mask', taken);
  if (detached.ref === null)
    return joinBlocks([source, '# NOT (nothing allowed)\nmask_mod = or_masks()']);
  let text = detached.source;
  if (detached.call) text += `\n${detached.ref} = ${detached.call.fn}(${detached.call.args})\n`;
  const not = negation(detached.ref, taken);
  return joinBlocks([text, '# NOT\n' + not.def, `mask_mod = ${not.ref}`]);
}

/** Whether a program defines a mask_mod (without one, PyTorch attends everywhere). */
export function hasMaskMod(source: string): boolean {
  return lastEntry(topLevelStatements(source), 'mask_mod') !== null;
}

/** Whether a program defines a score_mod (without one, scores are q . k * scale). */
export function hasScoreMod(source: string): boolean {
  return lastEntry(topLevelStatements(source), 'score_mod') !== null;
}

/** The program's opening comment (its first run of `#` lines), as one paragraph. */
export function leadingComment(source: string): string {
  const lines: string[] = [];
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) lines.push(line.replace(/^#+\s?/, ''));
    else if (line === '' && lines.length === 0) continue;
    else break;
  }
  return lines.join(' ').trim();
}
