import type { Scenario } from '../state/scenario';

/** One thing wrong with a link or file: which field, and a sentence saying what and why. */
export interface LinkProblem {
  /** The parameter as the link or file names it (`Q`, `bq`, `code`), or `v`, `z`, `link`, `file`. */
  field: string;
  message: string;
}

/**
 * What a link or file opens: always a whole, valid scenario (broken parts replaced by their
 * defaults), whether the embed view was asked for, and what was wrong, if anything.
 */
export interface DecodeResult {
  scenario: Scenario;
  embed: boolean;
  problems: LinkProblem[];
}
