/**
 * One memory budget per run, checked before any input is generated or any buffer created.
 *
 * `runBytes` lists every buffer a run makes (inputs, outputs, the BlockMask, the picture,
 * uniforms, the program's tensors and, on the GPU, the read-back copies) from the shape and the
 * compiled program alone. `checkRunBudget` checks each against the device's per-buffer limits and
 * the sum against a total budget. Checking the total matters as much as each buffer: a shape whose
 * buffers each fit a 2 GiB binding can still ask for 7.5 GiB in all, which a tab cannot hold.
 *
 * Uploaded Q/K/V are expanded to [B, H, S, D] float32 before a run, so they weigh what random ones
 * of the same shape weigh: the shape alone sizes the inputs either way, by the uploads' own
 * `inputBytes` (app/problem/attention.ts), which the upload check uses too, so the two can never
 * disagree.
 */
import { listOffsets } from '../../gpu/blockMask';
import { GpuLimitError } from '../../gpu/resources';
import type { Dependence } from '../mask/types';
import { maskSizes } from './shape';
import { inputBytes, pictureWindow, type AttentionShape } from '../problem';

/**
 * The most one GPU run may allocate in all. 1 GiB keeps a run well inside what a browser lets one
 * tab hold on integrated GPUs and software adapters (SwiftShader's whole limit per buffer), while
 * leaving room for Q = KV = 16384 at the usual head sizes.
 */
export const GPU_RUN_BUDGET_BYTES = 1 << 30;

/**
 * The most one CPU run may hold, on the page and in the CPU engine's workers together. Smaller
 * than the GPU's: every byte of it is the tab's own memory, and each worker copies the inputs.
 */
export const CPU_RUN_BUDGET_BYTES = 512 << 20;

/**
 * Which per-buffer limit applies to an item: a storage or a uniform binding, or none (read-back
 * copies, which are as large as the storage buffer they copy, and memory outside the GPU).
 */
export type BufferUse = 'storage' | 'uniform' | 'other';

/** A setting the user can change to make an item smaller. */
type Knob = 'B' | 'H' | 'Hkv' | 'Q_LEN' | 'KV_LEN' | 'D' | 'Dv' | 'blocks' | 'tensors' | 'params';

export interface BudgetItem {
  /** What the buffer holds, with its shape (e.g. `q [B=1, H=8, Q=1024, D=64]`). */
  what: string;
  bytes: number;
  use: BufferUse;
  /** What makes it smaller, to build the message's advice. */
  knobs: Knob[];
}

export interface RunBytes {
  backend: 'gpu' | 'cpu';
  items: BudgetItem[];
  total: number;
  budget: number;
}

/** What the budget needs of a compiled program: its index dependence and its two buffers. */
export interface BudgetProgram {
  maskDeps: Dependence;
  paramWords: { byteLength: number };
  tensorWords: { byteLength: number };
}

export interface RunBytesOptions {
  backend: 'gpu' | 'cpu';
  /** GPU: the counting kernel's extra buffer (tests only). */
  debugCounts?: boolean;
  /** GPU: query rows per attention tile, when a caller fixes it (else the kernel's default). */
  tileRows?: number;
  /** CPU: the engine's workers, each of which holds a copy of the inputs (1 when absent). */
  cpuWorkers?: number;
}

/** The device limits a GPU run is checked against. */
export type BudgetLimits = Pick<
  GPUSupportedLimits,
  'maxStorageBufferBindingSize' | 'maxBufferSize' | 'maxUniformBufferBindingSize'
>;

/** Thrown when a run's buffers together exceed the budget. */
export class MemoryBudgetError extends Error {
  constructor(
    message: string,
    readonly bytes: RunBytes,
  ) {
    super(message);
    this.name = 'MemoryBudgetError';
  }
}

const F32 = 4;
const I32 = 4;
/** The kernels' own uniforms: BlockMask 64 B, attention 96 B, picture 32 B, the empty program 32 B. */
const KERNEL_UNIFORM_BYTES = 256;

const align16 = (bytes: number) => Math.max(16, Math.ceil(bytes / 16) * 16);

/** Every buffer of one run, itemised, from the shape and the program alone. */
export function runBytes(
  shape: AttentionShape,
  program: BudgetProgram,
  options: RunBytesOptions,
): RunBytes {
  const { B, H, HKV, Q, KV, D, DV } = shape;
  const mask = maskSizes(shape, program.maskDeps);
  const nQ = Math.ceil(Q / shape.blockQ);
  const nKV = Math.ceil(KV / shape.blockKV);
  const lists = listOffsets({ ...mask, Q, KV, blockQ: shape.blockQ, blockKV: shape.blockKV });
  const gpu = options.backend === 'gpu';
  const item = (what: string, bytes: number, use: BufferUse, knobs: Knob[]): BudgetItem => ({
    what,
    bytes,
    use,
    knobs,
  });

  const inputs = [
    item(`q [B=${B}, H=${H}, Q=${Q}, D=${D}]`, inputBytes(shape, ['q']), 'storage', [
      'B',
      'H',
      'Q_LEN',
      'D',
    ]),
    item(`k [B=${B}, HKV=${HKV}, KV=${KV}, D=${D}]`, inputBytes(shape, ['k']), 'storage', [
      'B',
      'Hkv',
      'KV_LEN',
      'D',
    ]),
    item(`v [B=${B}, HKV=${HKV}, KV=${KV}, DV=${DV}]`, inputBytes(shape, ['v']), 'storage', [
      'B',
      'Hkv',
      'KV_LEN',
      'Dv',
    ]),
  ];
  const outBytes = B * H * Q * (DV + 1) * F32;
  const blockMaskBytes = lists.total * I32;
  const programItems = [
    item('the program parameters', align16(program.paramWords.byteLength), 'uniform', ['params']),
    item('the program tensors', program.tensorWords.byteLength, 'storage', ['tensors']),
  ];

  if (gpu) {
    // The picture is block-sparse (gpu/pictureLayout.ts), but the BlockMask is not known yet:
    // counted as if every block were visited. The GPU holds a score and a probability per cell
    // (and a header of two words per query block), read back as they are; the page expands
    // them to the whole picture (scores, probabilities, a mask byte), keeping the held cells.
    const picture = pictureWindow(shape, 0, 0);
    const cells = picture.rows * picture.cols;
    const header = 2 * nQ * I32;
    const tileRows = options.tileRows ?? Math.min(64, shape.blockQ);
    const tiles = nQ * Math.ceil(shape.blockQ / tileRows);
    const items = [
      ...inputs,
      item('out and lse', outBytes, 'storage', ['B', 'H', 'Q_LEN', 'Dv']),
      item('the block classes', mask.B * mask.H * nQ * nKV * I32, 'storage', [
        'Q_LEN',
        'KV_LEN',
        'blocks',
      ]),
      item('the BlockMask index lists', blockMaskBytes, 'storage', ['Q_LEN', 'KV_LEN', 'blocks']),
      item('the score picture', header + cells * F32, 'storage', []),
      item('the probability picture', cells * F32, 'storage', []),
      ...programItems,
      item('the kernel parameters', KERNEL_UNIFORM_BYTES, 'other', []),
      // Every result is copied into a mappable buffer to be read back.
      item('the read-back copy of out and lse', outBytes, 'other', ['B', 'H', 'Q_LEN', 'Dv']),
      item(
        'the read-back copies of the BlockMask and the pictures',
        blockMaskBytes + 2 * cells * F32,
        'other',
        ['Q_LEN', 'KV_LEN', 'blocks'],
      ),
      // The page keeps the held cells as read back and makes the whole arrays from them.
      item('the picture on the page', cells * (2 * F32 + 2 * F32 + 1), 'other', []),
    ];
    if (options.debugCounts) {
      const counters = F32 * 2 * tiles * B * H;
      items.push(item('the debug counters', counters, 'storage', ['B', 'H']));
      items.push(item('the read-back copy of the debug counters', counters, 'other', ['B', 'H']));
    }
    return summed('gpu', items, GPU_RUN_BUDGET_BYTES);
  }

  // The CPU engine (app/engine/cpuEngine.ts): the page holds the inputs, float32 out and lse, the
  // BlockMask and the picture; each of its workers holds its own copy of q, k and v (posted, not
  // shared: no SharedArrayBuffer), the kernel's copy of one kv head and its tiles, and the rows of
  // the items it is working on.
  const workers = Math.max(1, options.cpuWorkers ?? 1);
  const rowsOut = shape.blockQ * B * H * (DV + 1) * F32;
  const kernelBytes =
    KV * (D + DV) * F32 +
    shape.blockQ * (D + DV + shape.blockKV + 2) * F32 +
    nKV * shape.blockQ * shape.blockKV;
  const cells = Q * KV;
  const items = [
    ...inputs,
    item(
      `the workers' copies of q, k and v (${workers} worker${workers === 1 ? '' : 's'})`,
      workers * inputBytes(shape),
      'other',
      ['B', 'H', 'Hkv', 'Q_LEN', 'KV_LEN', 'D', 'Dv'],
    ),
    item('out and lse', outBytes, 'other', ['B', 'H', 'Q_LEN', 'Dv']),
    item('the BlockMask', blockMaskBytes + mask.B * mask.H * nQ * nKV, 'other', [
      'Q_LEN',
      'KV_LEN',
      'blocks',
    ]),
    item('the score, probability and mask pictures', cells * (2 * F32 + 1), 'other', [
      'Q_LEN',
      'KV_LEN',
    ]),
    // Two items in flight per worker, each with its rows of every head and of the picture.
    item(
      "the workers' kernels and rows in flight",
      workers * (kernelBytes + 2 * (rowsOut + shape.blockQ * KV * (2 * F32 + 1))),
      'other',
      ['B', 'H', 'KV_LEN', 'D', 'Dv', 'blocks'],
    ),
    ...programItems,
  ];
  return summed('cpu', items, CPU_RUN_BUDGET_BYTES);
}

function summed(backend: 'gpu' | 'cpu', items: BudgetItem[], budget: number): RunBytes {
  return { backend, items, total: items.reduce((sum, i) => sum + i.bytes, 0), budget };
}

/** Bytes as people read them: `1.88 GiB`, `70.0 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(2)} GiB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

/**
 * Checks each buffer against the device's per-binding limits (storage and uniform), in the order
 * a run creates them. Throws GpuLimitError naming the buffer, the size and the limit.
 */
export function checkBufferLimits(bytes: RunBytes, limits: BudgetLimits): void {
  const storage = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const storageName =
    limits.maxStorageBufferBindingSize <= limits.maxBufferSize
      ? 'maxStorageBufferBindingSize'
      : 'maxBufferSize';
  for (const { what, bytes: size, use } of bytes.items) {
    if (use === 'storage' && size > storage) {
      throw new GpuLimitError(
        `${what} needs ${mib(size)}, but this GPU's ${storageName} is ${mib(storage)}. ` +
          'Use shorter sequences, fewer heads, a smaller batch or larger blocks.',
      );
    }
    if (use === 'uniform' && size > limits.maxUniformBufferBindingSize) {
      throw new GpuLimitError(
        `${what} need ${formatBytes(size)} (one 4-byte word per top-level number), but this ` +
          `GPU's maxUniformBufferBindingSize is ${formatBytes(limits.maxUniformBufferBindingSize)}. ` +
          'Use fewer top-level numbers in the program (write some as literals where they are used).',
      );
    }
  }
}

const KNOB_ORDER: Knob[] = ['B', 'H', 'Hkv', 'Q_LEN', 'KV_LEN', 'D', 'Dv'];

/** What to change, from the largest items: "lower B, H or Q_LEN, or use larger blocks". */
export function budgetAdvice(items: BudgetItem[]): string {
  const knobs = new Set(items.flatMap((i) => i.knobs));
  const lower = KNOB_ORDER.filter((k) => knobs.has(k));
  const parts: string[] = [];
  if (lower.length > 0) {
    parts.push(
      `lower ${lower.length === 1 ? lower[0] : `${lower.slice(0, -1).join(', ')} or ${lower[lower.length - 1]}`}`,
    );
  }
  if (knobs.has('blocks')) parts.push('use larger blocks');
  if (knobs.has('tensors')) parts.push("make the program's setup tensors smaller");
  if (knobs.has('params')) parts.push('use fewer top-level numbers');
  return parts.length > 0 ? parts.join(', or ') : 'use a smaller shape';
}

/** Throws MemoryBudgetError when the run's total is over its budget; names the largest items. */
export function checkTotal(bytes: RunBytes): void {
  if (bytes.total <= bytes.budget) return;
  const largest = [...bytes.items].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  const where =
    bytes.backend === 'gpu' ? 'GPU memory' : "memory on the page and in the CPU engine's workers";
  const times = (bytes.total / bytes.budget).toFixed(1);
  const advice = budgetAdvice(largest);
  throw new MemoryBudgetError(
    `This run needs ${formatBytes(bytes.total)} of ${where} in all, ${times} times flexmask's ` +
      `budget of ${formatBytes(bytes.budget)} per run. Largest: ` +
      `${largest.map((i) => `${i.what} ${formatBytes(i.bytes)}`).join('; ')}. ` +
      `To fit, ${advice}.`,
    bytes,
  );
}

/**
 * The whole check of a run, before anything is generated or allocated: on the GPU each buffer
 * against the device's limits, then the total against the budget; on the CPU the total alone.
 * Returns the itemised bytes.
 */
export function checkRunBudget(
  shape: AttentionShape,
  program: BudgetProgram,
  options: RunBytesOptions & { limits?: BudgetLimits },
): RunBytes {
  const bytes = runBytes(shape, program, options);
  if (options.limits) checkBufferLimits(bytes, options.limits);
  checkTotal(bytes);
  return bytes;
}
