/**
 * What the bench measures: the masks, the sizes, and which engines run on which case. The mask
 * programs are written in flexmask's own mask language (the text a user would type), with the
 * sizes the issue asks for: window S/8, prefix S/4, eight equal documents.
 */
import type { AttentionShape } from '../../app/problem';

export type MaskId = 'noop' | 'causal' | 'sliding_window' | 'document' | 'prefix_lm' | 'alibi';
/**
 * flexmask on the GPU and on the CPU, and the peers: onnxruntime-web on WebGPU and on its
 * WebAssembly backend, TensorFlow.js on WebGPU.
 */
export type EngineId = 'flexmask' | 'flexmask-cpu' | 'ort' | 'ort-wasm' | 'tfjs';

export const MASK_IDS: readonly MaskId[] = [
  'noop',
  'causal',
  'sliding_window',
  'document',
  'prefix_lm',
  'alibi',
];
export const PEER_IDS: readonly EngineId[] = ['ort', 'tfjs', 'ort-wasm'];

/** Engines that need WebGPU; the others run on the CPU (WebAssembly or workers). */
export const GPU_ENGINES: readonly EngineId[] = ['flexmask', 'ort', 'tfjs'];

/** Which flexmask engine each peer is compared with: GPU with GPU, CPU with CPU. */
export const COUNTERPART: Record<EngineId, EngineId> = {
  flexmask: 'flexmask',
  'flexmask-cpu': 'flexmask-cpu',
  ort: 'flexmask',
  tfjs: 'flexmask',
  'ort-wasm': 'flexmask-cpu',
};

export const ENGINE_LABELS: Record<EngineId, string> = {
  flexmask: 'flexmask GPU',
  'flexmask-cpu': 'flexmask CPU',
  ort: 'onnxruntime-web MHA WebGPU',
  'ort-wasm': 'onnxruntime-web MHA wasm',
  tfjs: 'tfjs matMul+softmax',
};

export const MASK_LABELS: Record<MaskId, string> = {
  noop: 'noop',
  causal: 'causal',
  sliding_window: 'sliding window S/8',
  document: 'document x8',
  prefix_lm: 'prefix LM S/4',
  alibi: 'causal + ALiBi',
};

/** The fixed part of every case's shape: B = 1, H = 2, D = 64, blocks of 128. */
export const BASE_SHAPE = { B: 1, H: 2, HKV: 2, D: 64, DV: 64, blockQ: 128, blockKV: 128 };

export const DOCUMENTS = 8;
export const SEED = 1234;

export interface BenchCase {
  /** Stable id, e.g. `causal@1024`. */
  id: string;
  mask: MaskId;
  /** Q = KV = S. */
  S: number;
  engines: EngineId[];
}

export function caseId(mask: MaskId, S: number): string {
  return `${mask}@${S}`;
}

export function caseShape(S: number): AttentionShape {
  return { ...BASE_SHAPE, Q: S, KV: S };
}

/** Masks whose peers also run at 2048 (the slow sizes get only the three the targets need). */
const PEERS_AT_2048: readonly MaskId[] = ['noop', 'causal', 'document'];
/** --quick: one size and the masks the targets are about. */
const QUICK_MASKS: readonly MaskId[] = ['noop', 'causal', 'document', 'alibi'];

export interface PlanOptions {
  quick: boolean;
  /**
   * Engines to run; flexmask always runs (every ratio and correctness check needs it), and
   * flexmask-cpu runs on every case it is asked for (its targets need noop and causal at 2048).
   */
  engines: readonly EngineId[];
  /** --no-gpu: the CPU engines alone, as on a page without WebGPU. */
  noGpu?: boolean;
}

/** The cases of one bench run, in the order they run. */
export function planCases(options: PlanOptions): BenchCase[] {
  const sizes = options.quick ? [512] : [512, 1024, 2048];
  const masks = options.quick ? QUICK_MASKS : MASK_IDS;
  const runs = (e: EngineId) => !(options.noGpu && GPU_ENGINES.includes(e));
  const ours: EngineId[] = options.noGpu ? ['flexmask-cpu'] : ['flexmask'];
  if (!options.noGpu && options.engines.includes('flexmask-cpu')) ours.push('flexmask-cpu');
  const peers = PEER_IDS.filter((p) => options.engines.includes(p) && runs(p));
  const cases: BenchCase[] = [];
  for (const S of sizes) {
    for (const mask of masks) {
      const withPeers = S < 2048 || PEERS_AT_2048.includes(mask);
      cases.push({
        id: caseId(mask, S),
        mask,
        S,
        engines: [...ours, ...(withPeers ? peers : [])],
      });
    }
  }
  return cases;
}

const CAUSAL_DEF = `def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
`;

/** The mask program of one case at sequence length S (and H heads, for ALiBi's slopes). */
export function maskSource(mask: MaskId, S: number, H: number): string {
  switch (mask) {
    case 'noop':
      return `def noop(b, h, q_idx, kv_idx):\n    return True\n\n\nmask_mod = noop\n`;
    case 'causal':
      return `${CAUSAL_DEF}\n\nmask_mod = causal\n`;
    case 'sliding_window':
      return `from torch.nn.attention.flex_attention import and_masks

WINDOW = ${Math.floor(S / 8)}


${CAUSAL_DEF}

def within_window(b, h, q_idx, kv_idx):
    return q_idx - kv_idx <= WINDOW


mask_mod = and_masks(causal, within_window)
`;
    case 'prefix_lm':
      return `from torch.nn.attention.flex_attention import or_masks

PREFIX = ${Math.floor(S / 4)}


${CAUSAL_DEF}

def prefix(b, h, q_idx, kv_idx):
    return kv_idx < PREFIX


mask_mod = or_masks(prefix, causal)
`;
    case 'document':
      return documentSource(S);
    case 'alibi':
      return `HEADS = ${H}


def alibi(score, b, h, q_idx, kv_idx):
    slope = 2 ** (-8 * (h + 1) / HEADS)
    return score + (kv_idx - q_idx) * slope


${CAUSAL_DEF}

score_mod = alibi
mask_mod = causal
`;
  }
}

/** Start of each of the DOCUMENTS equal documents, plus S at the end. */
export function documentOffsets(S: number): number[] {
  return Array.from({ length: DOCUMENTS + 1 }, (_, i) => Math.round((i * S) / DOCUMENTS));
}

/**
 * attention-gym's document mask, as the preset writes it: a lookup tensor of document ids, and
 * causal attention on document-local positions inside each document.
 */
function documentSource(S: number): string {
  const offsets = documentOffsets(S);
  const ids = Array.from({ length: S }, (_, q) => offsets.findIndex((o) => o > q) - 1);
  return `document_id = [${ids.join(', ')}]
offsets = [${offsets.join(', ')}]


${CAUSAL_DEF}

def document_mask(b, h, q_idx, kv_idx):
    same_doc = document_id[q_idx] == document_id[kv_idx]
    q_logical = q_idx - offsets[document_id[q_idx]]
    kv_logical = kv_idx - offsets[document_id[kv_idx]]
    return same_doc & causal(b, h, q_logical, kv_logical)


mask_mod = document_mask
`;
}
