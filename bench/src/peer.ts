/**
 * How every engine is timed the same way. Each engine is a Contender: set up and warmed up once
 * (untimed), then timed in rounds, one run of each engine per round, so that a change in machine
 * load while the case runs lands on every engine alike instead of on whichever ran last.
 */

export interface RunSample {
  /** Wall clock from submission to the output read back on the CPU. */
  wallMs: number;
  /**
   * The engine's own timing of its attention alone, when it has one: flexmask's GPU timestamps,
   * or the CPU engine's own clock around its attention stage.
   */
  kernelMs?: number;
  /** The CPU engine's own timing of its BlockMask build, inside wallMs. */
  blockMaskMs?: number;
  /** The output, in flexmask's [B, H, Q, DV] layout. */
  out: Float32Array;
}

/** How a CPU engine ran: how many threads (or workers) and which SIMD, for the report. */
export interface EngineSetup {
  threads: number;
  simd: string;
}

export interface Contender {
  name: string;
  /** Creates the session, uploads the inputs and runs once (warm-up); untimed. */
  prepare(): Promise<void>;
  run(): Promise<RunSample>;
  release(): Promise<void>;
  /** After prepare(): the threads and SIMD the engine runs with, where that means something. */
  setup?(): EngineSetup | undefined;
}

/** A peer's session: one pass, resolved once its output has been read back to the CPU. */
export interface PeerSession {
  run(): Promise<Float32Array>;
  /** The peer's output in flexmask's [B, H, Q, DV] layout. */
  toHeads(out: Float32Array): Float32Array;
  release(): Promise<void>;
  setup?: EngineSetup;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A Contender timed on the wall clock around `session.run()`. */
export function peerContender(name: string, create: () => Promise<PeerSession>): Contender {
  let session: PeerSession | null = null;
  const live = (): PeerSession => {
    if (!session) throw new Error(`${name}: prepare() first`);
    return session;
  };
  return {
    name,
    async prepare() {
      session = await create();
      await session.run();
    },
    async run() {
      const s = live();
      const start = performance.now();
      const out = await s.run();
      const wallMs = performance.now() - start;
      return { wallMs, out: s.toHeads(out) };
    },
    async release() {
      await session?.release();
      session = null;
    },
    setup: () => session?.setup,
  };
}

export interface ContenderOutcome {
  name: string;
  error?: string;
  setupMs?: number;
  setup?: EngineSetup;
  samples: RunSample[];
  /** The output of the last timed run. */
  last: Float32Array | null;
}

export interface RoundOptions {
  /** Every engine that works gets at least this many timed runs. */
  minRuns: number;
  /** ... and at most this many. */
  maxRuns: number;
  /** Rounds past minRuns are run only while the timed phase (pauses included) is shorter. */
  extraRoundsWithinMs: number;
  /**
   * Idle time before each timed run, so that what the previous run left running (a thread pool
   * still spinning, a worker finishing up) is not counted against the next engine.
   */
  pauseBeforeRunMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Prepares every contender (a failure takes only that one out), then runs rounds until each
 * live contender has minRuns samples, adding rounds up to maxRuns while time allows. Everything
 * is released at the end, whatever happened.
 */
export async function runRounds(
  contenders: Contender[],
  options: RoundOptions,
): Promise<ContenderOutcome[]> {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? sleepFor;
  const pauseMs = options.pauseBeforeRunMs ?? 0;
  const outcomes: ContenderOutcome[] = contenders.map((c) => ({
    name: c.name,
    samples: [],
    last: null,
  }));
  try {
    for (const [i, contender] of contenders.entries()) {
      const start = now();
      try {
        await contender.prepare();
        outcomes[i].setupMs = now() - start;
        const setup = contender.setup?.();
        if (setup) outcomes[i].setup = setup;
      } catch (error) {
        outcomes[i].error = errorMessage(error);
      }
    }
    const timedStart = now();
    for (let round = 0; round < options.maxRuns; round++) {
      const live = contenders.filter((_, i) => outcomes[i].error === undefined);
      if (live.length === 0) break;
      if (round >= options.minRuns && now() - timedStart >= options.extraRoundsWithinMs) break;
      for (const [i, contender] of contenders.entries()) {
        const outcome = outcomes[i];
        if (outcome.error !== undefined) continue;
        try {
          if (pauseMs > 0) await sleep(pauseMs);
          const sample = await contender.run();
          outcome.samples.push(sample);
          outcome.last = sample.out;
        } catch (error) {
          outcome.error = errorMessage(error);
        }
      }
    }
  } finally {
    for (const contender of contenders) await contender.release().catch(() => undefined);
  }
  return outcomes;
}
