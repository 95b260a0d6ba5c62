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
  problems: LinkProblem[];
}
