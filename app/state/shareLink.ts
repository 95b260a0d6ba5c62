/**
 * The address bar as the share link. On start the page opens the scenario its hash describes
 * (every broken part replaced by its default and named in `linkProblems`); after that the hash
 * follows the scenario, debounced, with `history.replaceState`, so editing never adds history
 * entries and Back still leaves the app. A hash the user types or pastes (`hashchange`) opens
 * like a fresh link. Once the device is known, its limits re-check the link the page opened with.
 *
 * The browser is reached only through `ShareLinkEnv`, so tests drive this with fakes.
 */
import { clipForMessage } from '../tensors/bounded';
import {
  DEFAULT_SCENARIO,
  SHAPE_KEYS,
  SHAPE_MAXIMA,
  type ShapeKey,
  type ShapeLimits,
} from '../problem';
import {
  DEFAULT_URL_LIMITS,
  decodeHash,
  encodeScenario,
  scenarioFromJson,
  isScenarioParam,
  LINK_INPUTS,
  tightenLimits,
  type DecodeResult,
  type LinkInput,
  type LinkProblem,
  type UrlLimits,
} from '../url';
import {
  openLink,
  playground,
  setShapeLimits,
  type PlaygroundState,
  type PlaygroundStore,
} from './store';

/** Quiet time after an edit before the hash is rewritten. */
export const HASH_WRITE_DELAY_MS = 300;

/** Longer links risk being cut by chat apps and mail clients; the share dialog warns. */
export const LONG_LINK_CHARS = 8000;

/**
 * The caps links and files are checked against: the defaults, with the shape limits the store
 * holds (the table's maxima until the device is known, then lowered by it).
 */
export function linkLimits(store: PlaygroundStore = playground): Readonly<UrlLimits> {
  return { ...DEFAULT_URL_LIMITS, shape: store.getState().shapeLimits };
}

/** The parts of the browser this module uses. */
export interface ShareLinkEnv {
  readHash: () => string;
  /** Must replace the current history entry (never push one). */
  replaceHash: (hash: string) => void;
  /** Subscribes to hashes the user types or pastes; returns an unsubscribe function. */
  onHashChange: (listener: () => void) => () => void;
}

export interface ShareLinkDeps {
  env: ShareLinkEnv;
  /** Resolves with how far the device lowers the shape limits, once the page knows it. */
  deviceLimits?: Promise<Partial<Record<ShapeKey, number>>>;
  writeDelayMs?: number;
}

export interface ShareLinkHandle {
  /** Stops writing and listening. */
  stop: () => void;
  /** Resolves once the device limits have re-checked the opening link (or were not needed). */
  deviceChecked: Promise<void>;
}

/** The browser's address bar, for the page. */
export function browserEnv(): ShareLinkEnv {
  return {
    readHash: () => window.location.hash,
    replaceHash: (hash) => window.history.replaceState(window.history.state, '', hash),
    onHashChange: (listener) => {
      window.addEventListener('hashchange', listener);
      return () => window.removeEventListener('hashchange', listener);
    },
  };
}

/** The inputs the state has uploads for, as `uploaded=` lists them. */
export function uploadedInputs(state: Pick<PlaygroundState, 'uploads'>): LinkInput[] {
  return LINK_INPUTS.filter((input) => state.uploads[input] !== null);
}

/** The hash that shares this state: the scenario, plus `uploaded=` when inputs were uploaded. */
export function shareHash(
  state: Pick<PlaygroundState, 'scenario' | 'uploads'>,
  embed = false,
): Promise<string> {
  return encodeScenario(state.scenario, { embed, uploaded: uploadedInputs(state) });
}

/** A hash that asks for nothing: the page keeps its default scenario and writes nothing yet. */
function isEmptyHash(hash: string): boolean {
  return hash === '' || hash === '#';
}

/** decodeHash, with an unexpected failure turned into a problem: a link never blanks the page. */
export async function openHash(hash: string, limits: Readonly<UrlLimits>): Promise<DecodeResult> {
  try {
    return await decodeHash(hash, limits);
  } catch (error) {
    // An unexpected error's text may quote the link; a message quotes a few hundred characters.
    const detail = clipForMessage(error instanceof Error ? error.message : String(error));
    return {
      scenario: { ...DEFAULT_SCENARIO },
      embed: false,
      panel: null,
      uploaded: [],
      problems: [{ field: 'link', message: `The link could not be read (${detail})` }],
    };
  }
}

/**
 * The sentence the banner shows for one problem: the decoder's message, then what the page did
 * about it (a scenario field fell back to its default; a broken link as a whole opened the
 * default scenario; an extra was ignored).
 */
export function problemSentence(problem: LinkProblem): string {
  const message = problem.message.replace(/[.;:\s]+$/, '');
  // Messages that already say what happened ("…, ignored: foo", "the first (Q=8) is used").
  if (/\b(ignored|is used)\b/.test(message)) return `${message}.`;
  if (isScenarioParam(problem.field)) {
    return `${message}. Opened with the default ${problem.field} instead.`;
  }
  if (['link', 'z', 'v', 'file'].includes(problem.field)) {
    return `${message}. Opened the default scenario instead.`;
  }
  return `${message}. Ignored.`;
}

function sameShapeLimits(a: ShapeLimits, b: ShapeLimits): boolean {
  return SHAPE_KEYS.every((key) => a[key] === b[key]);
}

/**
 * Opens the page's link, then keeps the hash in step with the store. Resolves once the first
 * link is in the store, so the caller can start the runner and render on the right scenario.
 */
export async function startShareLink(
  deps: ShareLinkDeps,
  store: PlaygroundStore = playground,
): Promise<ShareLinkHandle> {
  const { env } = deps;
  const delay = deps.writeDelayMs ?? HASH_WRITE_DELAY_MS;
  /** The scenario and uploads the hash describes now; a store change away from them is an edit. */
  let described = { scenario: store.getState().scenario, uploaded: '' };
  /** The hash this module last wrote or opened: its own echo is not a new link. */
  let currentHash = env.readHash();
  let loadSeq = 0;
  let writeSeq = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const cancelWrite = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    writeSeq++;
  };

  /** Decodes `hash` and puts it in the store, unless a newer link arrived meanwhile. */
  const open = async (hash: string): Promise<DecodeResult | null> => {
    const mine = ++loadSeq;
    cancelWrite();
    const result = await openHash(hash, linkLimits(store));
    if (mine !== loadSeq) return null;
    currentHash = hash;
    described = { scenario: result.scenario, uploaded: uploadedInputs(store.getState()).join() };
    openLink(
      result.scenario,
      {
        problems: result.problems,
        embed: result.embed,
        panel: result.panel,
        uploaded: result.uploaded,
        teaching: result.teaching,
      },
      store,
    );
    return result;
  };

  const write = async () => {
    timer = null;
    const mine = ++writeSeq;
    const state = store.getState();
    const hash = await shareHash(state);
    if (mine !== writeSeq) return;
    currentHash = hash;
    if (hash !== env.readHash()) env.replaceHash(hash);
  };

  const startHash = env.readHash();
  const opened = isEmptyHash(startHash) ? null : await open(startHash);

  const unsubscribe = store.subscribe((state) => {
    const uploaded = uploadedInputs(state).join();
    if (state.scenario === described.scenario && uploaded === described.uploaded) return;
    described = { scenario: state.scenario, uploaded };
    // An embedded figure has no address bar to keep up to date, and rewriting it would drop the
    // teaching embed's own keys.
    if (state.embed) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => void write(), delay);
  });

  const stopHashChange = env.onHashChange(() => {
    const hash = env.readHash();
    if (hash === currentHash) return;
    void open(hash);
  });

  const deviceChecked = (async () => {
    if (!deps.deviceLimits) return;
    let tighter: Partial<Record<ShapeKey, number>>;
    try {
      tighter = await deps.deviceLimits;
    } catch {
      // No device answer: the default caps stay, and the engine still checks every run.
      return;
    }
    const limits = tightenLimits({ shape: tighter });
    setShapeLimits(limits.shape, store);
    if (opened === null || sameShapeLimits(limits.shape, SHAPE_MAXIMA)) return;
    // Re-check the opening link only while the user has not moved on from it.
    if (store.getState().scenario !== opened.scenario || currentHash !== startHash) return;
    const rechecked = await openHash(startHash, limits);
    if (store.getState().scenario !== opened.scenario || currentHash !== startHash) return;
    if (JSON.stringify(rechecked) === JSON.stringify(opened)) return;
    await open(startHash);
  })();

  return {
    stop: () => {
      unsubscribe();
      stopHashChange();
      cancelWrite();
    },
    deviceChecked,
  };
}

/**
 * Opens a scenario JSON file (the share dialog's download). A file with any problem is not
 * opened, so nothing on the page is lost; its problems come back for the dialog to show.
 */
export function openScenarioFile(
  text: string,
  store: PlaygroundStore = playground,
  limits: Readonly<UrlLimits> = linkLimits(store),
): LinkProblem[] {
  const result = scenarioFromJson(text, limits);
  if (result.problems.length > 0) return result.problems;
  openLink(result.scenario, { problems: [], embed: false, panel: null, uploaded: [] }, store);
  return [];
}

/** `&`, `"`, `<` and `>` as HTML writes them inside a double-quoted attribute. */
function escapeAttribute(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** The `<iframe>` a page pastes to embed a figure: text to copy, never parsed by this page. */
export function iframeSnippet(src: string, width: number, height: number): string {
  return (
    `<iframe src="${escapeAttribute(src)}" width="${width}" height="${height}" ` +
    `title="flexmask figure" loading="lazy" style="border: 0"></iframe>`
  );
}
