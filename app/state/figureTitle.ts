/**
 * The figure's title, as attention-gym writes it: a name with underscores as spaces and each word
 * capitalised, and a second line `Batch b, Head h` when either is not 0. The name comes from the
 * program: what `mask_mod` (and `score_mod`) are bound to.
 */
import { topLevelStatements, type TopLevelStatement } from '../mask/programText';

/** attention-gym's `_name_to_title`: `sliding_window` -> `Sliding Window`. */
export function nameToTitle(name: string): string {
  return name
    .replace(/_/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join(' ');
}

function entryName(statement: TopLevelStatement | undefined): string | null {
  if (!statement || statement.kind !== 'assign') return null;
  const code = statement.tokens.filter((t) => t.kind !== 'comment');
  if (code.length === 3 && code[2].kind === 'name') return code[2].text;
  const fn = code[2];
  if (fn?.kind !== 'name' || code[3]?.text !== '(') return null;
  if (fn.text === 'and_masks' || fn.text === 'or_masks') {
    const word = fn.text === 'and_masks' ? 'and' : 'or';
    const args = code.slice(4, -1).filter((t) => t.text !== ',');
    if (args.length > 0 && args.every((t) => t.kind === 'name')) {
      return args.map((t) => t.text).join(`_${word}_`);
    }
    return null;
  }
  // A factory call: `mask_mod = generate_sliding_window(3)` names a sliding window.
  return fn.text.replace(/^(generate|make|create|get)_/, '');
}

/** The name the figure is titled with; `attention_scores` (attention-gym's default) when none. */
export function programName(source: string): string {
  const statements = topLevelStatements(source);
  const last = (name: string) => statements.filter((s) => s.name === name).pop();
  const mask = entryName(last('mask_mod'));
  const score = entryName(last('score_mod'));
  if (mask && score) return `${mask}_with_${score}`;
  return mask ?? score ?? 'attention_scores';
}

export function figureSubtitle(b: number, h: number): string {
  return b !== 0 || h !== 0 ? `Batch ${b}, Head ${h}` : '';
}
