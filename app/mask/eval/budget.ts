/**
 * The work budget of one compile: evaluation steps, wall time, tensor elements, call depth and
 * traced IR size. Every limit ends the compile with a LimitExceeded that names the limit, so a
 * hostile program (exponential helpers, `while True`, a giant tensor) stops well within a second.
 */
import { LimitExceeded } from './pyerrors';

export interface EvalLimits {
  /** Evaluation steps (one per expression evaluated or statement run). */
  maxSteps: number;
  /** Wall time of the whole compile, in milliseconds. */
  deadlineMs: number;
  /** Tensor elements allocated at setup time, in total. */
  maxTensorElements: number;
  /** Items in one list, tuple, dict, set or string built at setup time. */
  maxCollectionItems: number;
  /** Nested Python calls (Python's own default is 1000; real mask code needs a handful). */
  maxCallDepth: number;
}

export const DEFAULT_EVAL_LIMITS: EvalLimits = {
  maxSteps: 2_000_000,
  deadlineMs: 750,
  maxTensorElements: 16_777_216,
  maxCollectionItems: 1_000_000,
  maxCallDepth: 200,
};

/** How often (in steps) the clock is read: often enough to stop within a few ms of the deadline. */
const CLOCK_EVERY = 2048;

export class Budget {
  private steps = 0;
  private elements = 0;
  private readonly deadline: number;

  constructor(
    readonly limits: EvalLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.deadline = now() + limits.deadlineMs;
  }

  /** One unit of work; throws when the step budget or the deadline is spent. */
  step(): void {
    this.steps += 1;
    if ((this.steps & (CLOCK_EVERY - 1)) !== 0) return;
    if (this.steps > this.limits.maxSteps) {
      throw new LimitExceeded(
        'LimitError',
        `the program ran for more than ${this.limits.maxSteps.toLocaleString('en-US')} evaluation steps (flexmask's work limit): a loop or recursion that never ends, or calls that multiply?`,
        [],
      );
    }
    if (this.now() > this.deadline) {
      throw new LimitExceeded(
        'LimitError',
        `compiling took longer than its deadline of ${this.limits.deadlineMs} ms: a loop or recursion that never ends, or calls that multiply?`,
        [],
      );
    }
  }

  /** Charges tensor elements before they are allocated. */
  chargeElements(count: number): void {
    if (!Number.isFinite(count) || count < 0) count = Number.MAX_SAFE_INTEGER;
    this.elements += count;
    if (this.elements > this.limits.maxTensorElements) {
      throw new LimitExceeded(
        'LimitError',
        `setup tensors would hold more than ${this.limits.maxTensorElements.toLocaleString('en-US')} elements in all (this one asks for ${count.toLocaleString('en-US')}): flexmask's memory limit for setup code`,
        [],
      );
    }
  }

  /** Checks the size of a collection (list, string, ...) about to be built. */
  checkItems(count: number, what: string): void {
    if (count > this.limits.maxCollectionItems) {
      throw new LimitExceeded(
        'LimitError',
        `a ${what} of ${count.toLocaleString('en-US')} items is over flexmask's limit of ${this.limits.maxCollectionItems.toLocaleString('en-US')}`,
        [],
      );
    }
  }
}
