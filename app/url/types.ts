import type { Scenario } from '../problem';
import type { LinkInput, PanelName } from './schema';

/** One thing wrong with a link or file: which field, and a sentence saying what and why. */
export interface LinkProblem {
  /** The parameter as the link or file names it (`Q`, `bq`, `code`), or `v`, `z`, `link`, `file`. */
  field: string;
  message: string;
}

/**
 * What a link or file opens: always a whole, valid scenario (broken parts replaced by their
 * defaults), the link's extras, and what was wrong, if anything.
 */
export interface DecodeResult {
  scenario: Scenario;
  /** `embed=1`: show the figure alone (or, with a panel, the figure and that teaching panel). */
  embed: boolean;
  /** `panel=`: the teaching panel an embed shows beside the figure; null for none. */
  panel: PanelName | null;
  /** `uploaded=`: inputs the author had uploaded, which this link opens as random stand-ins. */
  uploaded: LinkInput[];
  /**
   * The teaching embed's own keys, only when the link asks for one (`embed=1` and a panel):
   * what the panel opens on. Absent otherwise, and from scenario files.
   */
  teaching?: TeachingEmbedKeys;
  problems: LinkProblem[];
}

/**
 * What a teaching embed opens on, each null when the link does not say (or says something
 * invalid, which is then one of the link's problems).
 */
export interface TeachingEmbedKeys {
  /** `preset=<id>`: open that preset at its example size. */
  preset: string | null;
  /** `block=<n>`: square blocks of n tokens. */
  block: number | null;
  /** `q=<i>&kv=<j>`: the cell the explain panel explains (kv 0 when only q is given). */
  q: number | null;
  kv: number | null;
  /** `row=<i>`: the row the walkthrough follows (when no q= is given). */
  row: number | null;
}
