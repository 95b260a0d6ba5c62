/**
 * The playground's one store. Four slices: the scenario (what the user chose, the only thing a
 * share link carries, beside the uploads and the shape limits this page allows), the interaction
 * (how the user looks at the result: zoom, hover, gallery search, the selected cell), the run
 * (what the engine last produced, derived and never written back into the scenario) and the link
 * (what the last opened link asked for beyond its scenario). Actions are plain functions so the
 * runner, the URL code and tests call them without React.
 */
import { createStore } from 'zustand/vanilla';
import type { PicturePreview, RunResult, Stage } from '../engine/types';
import { ENGINE_PREFERENCES, type EnginePreference } from '../engine/engineChoice';
import type { CompiledProgram, SourceSpan } from '../mask/types';
import type { Layout } from '../tensors/layout';
import type { Tensor } from '../tensors/tensor';
import type { LinkInput, LinkProblem, PanelName, TeachingEmbedKeys } from '../url';
import {
  codeProblem,
  DEFAULT_SCENARIO,
  SHAPE_MAXIMA,
  type InputName,
  type Scenario,
  type ShapeKey,
  type ShapeLimits,
  type ViewName,
} from '../problem';

export type RunStatus = 'idle' | 'running' | 'done' | 'error';

/** A compile error reduced to what the page shows; plain data so tests can compare it. */
export interface CompileProblem {
  message: string;
  /** Python-style text: the message, the line and a caret under the span. */
  formatted: string;
  span: SourceSpan;
  line: number;
  column: number;
}

/** One uploaded tensor file, as read; turned into [B, H, S, D] when a run starts. */
export interface UploadedFile {
  fileName: string;
  /** The tensor as the file stored it (float types only; others are refused on upload). */
  tensor: Tensor;
  /** 'auto' picks the layout whose sizes match the scenario. */
  layout: UploadLayout;
}

export type UploadLayout = 'auto' | Layout;

export interface ScenarioSlice {
  scenario: Scenario;
  uploads: Record<InputName, UploadedFile | null>;
  /** Why an upload was refused (malformed, wrong dtype, too large), per input. */
  uploadErrors: Record<InputName, string | null>;
  /**
   * The largest value each shape size may take on this page: the table's maxima, lowered once
   * the device is known. The shape fields and the link checks both read it.
   */
  shapeLimits: ShapeLimits;
  /**
   * Which engine runs (engineChoice.ts): 'auto', or one the user forced. A property of this
   * browser, not of the scenario: no link carries it; it is kept in localStorage.
   */
  enginePreference: EnginePreference;
}

export interface ZoomTransform {
  /** Scale: 1 shows the whole picture. */
  k: number;
  /** Translation in CSS pixels of the plot area. */
  x: number;
  y: number;
}

/** The cell under the pointer, in data coordinates of the view on screen. */
export interface HoverCell {
  row: number;
  col: number;
}

/** A clicked cell in token coordinates of the (b, h) on screen: what the explain panel shows. */
export interface SelectedCell {
  q: number;
  kv: number;
}

export interface InteractionSlice {
  zoom: ZoomTransform;
  hover: HoverCell | null;
  galleryQuery: string;
  // Teaching panels (components/ExplainPanel, KernelWalkthrough, PresetCard).
  selectedCell: SelectedCell | null;
  /** The preset whose card the gallery shows (the last one used). */
  presetCard: string | null;
  /**
   * The program text as the last edit typed it (in the editor or a parameter's number field);
   * null when the last change of the text came from elsewhere. The runner waits for a pause in
   * typing before it runs, but runs an edit from a control at once; this is how it tells the two
   * apart.
   */
  typedCode: string | null;
}

export interface RunSlice {
  status: RunStatus;
  progress: { fraction: number; stage: Stage } | null;
  /**
   * Counts the runs started on this page (each edit starts one). The figure tags what it paints
   * with the generation of the run that produced it, so tests and the latency bench can tell a
   * new run's picture from an old one's.
   */
  runGeneration: number;
  /**
   * The run in flight's picture of the (b, h) on screen, drawn before its other heads are done;
   * null once that run lands, fails or is replaced, so no part of a stopped run stays on screen.
   */
  preview: { run: PicturePreview; scenario: Scenario; generation: number } | null;
  /** The last successful run and the scenario and program that produced it. */
  result: RunResult | null;
  /** The generation of the run that produced `result` (0 before the first). */
  resultGeneration: number;
  resultScenario: Scenario | null;
  /** The compiled program that produced `result` (teaching panels read it; never recompiled). */
  resultProgram: CompiledProgram | null;
  /** The latest program that compiled (may be newer than the result's). */
  program: CompiledProgram | null;
  compileError: CompileProblem | null;
  /** A run that failed for another reason (shape mismatch, engine error, device loss). */
  runError: string | null;
}

/** What the last opened link (or scenario file) asked for beyond its scenario, and what was wrong. */
export interface LinkSlice {
  /** Shown in a dismissible banner: each broken part of the link, opened with its default. */
  linkProblems: LinkProblem[];
  /** `&embed=1`: the page shows the figure alone (or with `panel`, that teaching panel). */
  embed: boolean;
  embedPanel: PanelName | null;
  /** With `embedPanel`: what the teaching embed opens on (its preset, block size, cell, row). */
  embedTeaching: TeachingEmbedKeys | null;
  /** Inputs the link's author had uploaded; this page stands in seeded random ones. */
  linkUploaded: LinkInput[];
}

export type PlaygroundState = ScenarioSlice & InteractionSlice & RunSlice & LinkSlice;

export const IDENTITY_ZOOM: ZoomTransform = { k: 1, x: 0, y: 0 };

const ENGINE_STORAGE_KEY = 'flexmask.engine';

function storedEnginePreference(): EnginePreference {
  try {
    const stored = globalThis.localStorage?.getItem(ENGINE_STORAGE_KEY);
    return ENGINE_PREFERENCES.find((p) => p === stored) ?? 'auto';
  } catch {
    return 'auto'; // storage denied (a sandboxed embed)
  }
}

function initialState(scenario: Scenario): PlaygroundState {
  return {
    scenario,
    uploads: { q: null, k: null, v: null },
    uploadErrors: { q: null, k: null, v: null },
    shapeLimits: SHAPE_MAXIMA,
    enginePreference: storedEnginePreference(),
    zoom: IDENTITY_ZOOM,
    hover: null,
    galleryQuery: '',
    selectedCell: null,
    presetCard: null,
    typedCode: null,
    status: 'idle',
    progress: null,
    runGeneration: 0,
    preview: null,
    result: null,
    resultGeneration: 0,
    resultScenario: null,
    resultProgram: null,
    program: null,
    compileError: null,
    runError: null,
    linkProblems: [],
    embed: false,
    embedPanel: null,
    embedTeaching: null,
    linkUploaded: [],
  };
}

export function createPlaygroundStore(scenario: Scenario = DEFAULT_SCENARIO) {
  return createStore<PlaygroundState>()(() => initialState(scenario));
}

export type PlaygroundStore = ReturnType<typeof createPlaygroundStore>;

/** The page's store. Tests make their own with createPlaygroundStore. */
export const playground = createPlaygroundStore();

// ---------------------------------------------------------------- scenario slice

/**
 * Sets the program text. Text longer than MAX_CODE_CHARS is refused whole (false is returned and
 * nothing changes): no share link could carry it, and a cut program would be a different one.
 * `typed`: the user typed it (see `typedCode`).
 */
export function setCode(code: string, store: PlaygroundStore = playground, typed = false): boolean {
  if (codeProblem(code) !== null) return false;
  store.setState((s) => ({
    scenario: { ...s.scenario, code },
    typedCode: typed ? code : null,
  }));
  return true;
}

/** setCode for typed text: the runner waits for a pause in typing (runner.ts). */
export function typeCode(code: string, store: PlaygroundStore = playground): boolean {
  return setCode(code, store, true);
}

/** Sets shape fields; keeps the chosen batch item and head inside the new sizes. */
export function setShape(
  fields: Partial<Pick<Scenario, ShapeKey>>,
  store: PlaygroundStore = playground,
): void {
  store.setState((s) => {
    const scenario = { ...s.scenario, ...fields };
    scenario.b = Math.min(scenario.b, scenario.B - 1);
    scenario.h = Math.min(scenario.h, scenario.H - 1);
    return { scenario };
  });
}

/** Forces an engine (or goes back to 'auto') and remembers it in this browser. */
export function setEnginePreference(
  enginePreference: EnginePreference,
  store: PlaygroundStore = playground,
): void {
  store.setState({ enginePreference });
  try {
    globalThis.localStorage?.setItem(ENGINE_STORAGE_KEY, enginePreference);
  } catch {
    // Storage denied: the choice lasts this page.
  }
}

/** The device's shape limits, once known (a device only ever lowers the table's maxima). */
export function setShapeLimits(
  shapeLimits: ShapeLimits,
  store: PlaygroundStore = playground,
): void {
  store.setState({ shapeLimits });
}

export function setSeed(seed: number, store: PlaygroundStore = playground): void {
  store.setState((s) => ({ scenario: { ...s.scenario, seed } }));
}

export function setView(view: ViewName, store: PlaygroundStore = playground): void {
  store.setState((s) => ({ scenario: { ...s.scenario, view }, hover: null }));
}

export function setBatchHead(b: number, h: number, store: PlaygroundStore = playground): void {
  store.setState((s) => ({
    scenario: {
      ...s.scenario,
      b: clampIndex(b, s.scenario.B),
      h: clampIndex(h, s.scenario.H),
    },
  }));
}

function clampIndex(i: number, size: number): number {
  if (!Number.isFinite(i)) return 0;
  return Math.max(0, Math.min(size - 1, Math.trunc(i)));
}

export function setUpload(
  input: InputName,
  file: UploadedFile | null,
  store: PlaygroundStore = playground,
): void {
  store.setState((s) => ({
    uploads: { ...s.uploads, [input]: file },
    uploadErrors: { ...s.uploadErrors, [input]: null },
  }));
}

export function setUploadLayout(
  input: InputName,
  layout: UploadLayout,
  store: PlaygroundStore = playground,
): void {
  store.setState((s) => {
    const current = s.uploads[input];
    if (!current) return {};
    return { uploads: { ...s.uploads, [input]: { ...current, layout } } };
  });
}

export function setUploadError(
  input: InputName,
  message: string | null,
  store: PlaygroundStore = playground,
): void {
  store.setState((s) => ({
    uploads: message ? { ...s.uploads, [input]: null } : s.uploads,
    uploadErrors: { ...s.uploadErrors, [input]: message },
  }));
}

/** What a link or file opened with its scenario (app/state/shareLink.ts calls this). */
export interface OpenedLink {
  problems: LinkProblem[];
  embed: boolean;
  panel: PanelName | null;
  uploaded: LinkInput[];
  /** The teaching embed's keys, when the link asks for a teaching embed. */
  teaching?: TeachingEmbedKeys;
}

/** Loads an opened link's scenario and records its extras and problems, in one update. */
export function openLink(
  scenario: Scenario,
  link: OpenedLink,
  store: PlaygroundStore = playground,
): void {
  store.setState({
    scenario,
    typedCode: null,
    zoom: IDENTITY_ZOOM,
    hover: null,
    linkProblems: link.problems,
    embed: link.embed,
    embedPanel: link.panel,
    embedTeaching: link.teaching ?? null,
    linkUploaded: link.uploaded,
  });
}

/** Hides the banner about the opened link (its problems and its stand-in inputs). */
export function dismissLinkProblems(store: PlaygroundStore = playground): void {
  store.setState({ linkProblems: [], linkUploaded: [] });
}

// ---------------------------------------------------------------- view slice

export function setZoom(zoom: ZoomTransform, store: PlaygroundStore = playground): void {
  store.setState({ zoom });
}

export function setHover(hover: HoverCell | null, store: PlaygroundStore = playground): void {
  const current = store.getState().hover;
  if (current === hover) return;
  if (current && hover && current.row === hover.row && current.col === hover.col) return;
  store.setState({ hover });
}

export function setGalleryQuery(query: string, store: PlaygroundStore = playground): void {
  store.setState({ galleryQuery: query });
}

export function selectCell(cell: SelectedCell | null, store: PlaygroundStore = playground): void {
  store.setState({ selectedCell: cell });
}

export function showPresetCard(id: string | null, store: PlaygroundStore = playground): void {
  store.setState({ presetCard: id });
}

// ---------------------------------------------------------------- run slice

export function runStarted(store: PlaygroundStore = playground): void {
  store.setState((s) => ({
    status: 'running',
    progress: null,
    preview: null,
    runGeneration: s.runGeneration + 1,
  }));
}

export function runProgress(
  fraction: number,
  stage: Stage,
  store: PlaygroundStore = playground,
): void {
  store.setState({ progress: { fraction, stage } });
}

export function compileSucceeded(
  program: CompiledProgram,
  store: PlaygroundStore = playground,
): void {
  store.setState({ program, compileError: null });
}

/** Keeps the last result on screen: a typo must not blank the picture. */
export function compileFailed(problem: CompileProblem, store: PlaygroundStore = playground): void {
  store.setState({ compileError: problem, status: 'error', progress: null, preview: null });
}

/** A new picture size starts unzoomed; the same size as the picture on screen keeps its place. */
function zoomFor(state: PlaygroundState, next: PicturePreview | RunResult) {
  const shown = state.preview?.run ?? state.result;
  const sameSize =
    shown !== null &&
    shown.picture.rows === next.picture.rows &&
    shown.picture.cols === next.picture.cols;
  return sameSize ? {} : { zoom: IDENTITY_ZOOM, hover: null };
}

/** The run in flight has drawn the (b, h) on screen; it keeps running for the other heads. */
export function picturePreviewed(
  preview: PicturePreview,
  scenario: Scenario,
  store: PlaygroundStore = playground,
): void {
  store.setState((s) => ({
    preview: { run: preview, scenario, generation: s.runGeneration },
    ...zoomFor(s, preview),
  }));
}

export function runSucceeded(
  result: RunResult,
  scenario: Scenario,
  program: CompiledProgram,
  store: PlaygroundStore = playground,
): void {
  store.setState((s) => ({
    result,
    resultGeneration: s.runGeneration,
    resultScenario: scenario,
    resultProgram: program,
    preview: null,
    status: 'done',
    progress: null,
    runError: null,
    ...zoomFor(s, result),
  }));
}

export function runFailed(message: string, store: PlaygroundStore = playground): void {
  store.setState({ runError: message, status: 'error', progress: null, preview: null });
}
