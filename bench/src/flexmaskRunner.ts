/**
 * flexmask's side of the bench, built from the kernel modules directly (not runOnGpu) so that the
 * BlockMask build and the attention kernel are timed apart, many times, on the same uploaded
 * q, k, v; and so the score picture, which a benchmark does not need, is not drawn.
 */
import { buildBlockMask, readBlockMask, type GpuBlockMask } from '../../gpu/blockMask';
import { readAttention, runFlexAttention } from '../../gpu/flexAttention';
import type {
  PictureWindow,
  AttentionInputs,
  AttentionShape,
  BlockMaskData,
} from '../../app/problem';
import { BufferSet } from '../../gpu/resources';
import { StageTimer } from '../../gpu/timing';
import type { PictureLayout } from '../../gpu/pictureLayout';
import { maskSizes } from '../../app/engine/shape';
import type { CompiledProgram } from '../../app/mask/types';

/**
 * The attention kernel also writes the picture of one (b, h) for the UI. The bench times
 * attention alone: its picture is of a pair past the last (b = B), which no workgroup computes,
 * with an empty layout (no cells; a header of zeros, which the kernel then never reads).
 */
function noPicture(shape: AttentionShape, nQ: number): [PictureWindow, PictureLayout] {
  const window = { b: shape.B, h: 0, rows: 0, cols: 0, rowStride: 1, colStride: 1 };
  return [window, { header: new Uint32Array(2 * nQ), cells: 0 }];
}

export interface StageSample {
  /** From GPU timestamps; NaN when the device has no timestamp-query. */
  gpuMs: number;
  /** Wall clock from the first call to the awaited result. */
  wallMs: number;
}

async function stageMs(timer: StageTimer, name: string): Promise<number> {
  const measured = (await timer.results()).find((m) => m.name === name && m.source === 'gpu');
  return measured ? measured.ms : Number.NaN;
}

export class FlexmaskBench {
  private readonly inputs: BufferSet;
  private readonly qkv: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer };
  private kept: { buffers: BufferSet; mask: GpuBlockMask } | null = null;

  constructor(
    private readonly device: GPUDevice,
    private readonly program: CompiledProgram,
    private readonly shape: AttentionShape,
    inputs: AttentionInputs,
  ) {
    this.inputs = new BufferSet(device);
    this.qkv = {
      q: this.inputs.storage('q', inputs.q),
      k: this.inputs.storage('k', inputs.k),
      v: this.inputs.storage('v', inputs.v),
    };
  }

  private sizes() {
    const { Q, KV, blockQ, blockKV } = this.shape;
    return { ...maskSizes(this.shape, this.program.maskDeps), Q, KV, blockQ, blockKV };
  }

  /**
   * Builds a BlockMask and times it. With `keep`, the result replaces the one attention runs use
   * (its buffers live until the next kept build or destroy); otherwise it is freed at once.
   */
  async buildBlockMask(keep = false): Promise<StageSample> {
    const buffers = new BufferSet(this.device);
    const timer = new StageTimer(this.device);
    try {
      const start = performance.now();
      const mask = await buildBlockMask(buffers, timer, this.program, this.sizes());
      const wallMs = performance.now() - start;
      const gpuMs = await stageMs(timer, 'blockMask');
      if (keep) {
        this.kept?.buffers.destroy();
        this.kept = { buffers, mask };
      }
      return { gpuMs, wallMs };
    } finally {
      if (!keep) buffers.destroy();
      timer.destroy();
    }
  }

  private keptMask(): { buffers: BufferSet; mask: GpuBlockMask } {
    if (!this.kept) throw new Error('build a BlockMask with keep = true first');
    return this.kept;
  }

  /** The kept BlockMask, read back (for the block counts). */
  readBlockMask(): Promise<BlockMaskData> {
    const { buffers, mask } = this.keptMask();
    return readBlockMask(buffers, mask);
  }

  /** One attention pass on the kept BlockMask, its output read back, timed both ways. */
  async attention(): Promise<StageSample & { out: Float32Array }> {
    const { mask } = this.keptMask();
    const buffers = new BufferSet(this.device);
    const timer = new StageTimer(this.device);
    try {
      const start = performance.now();
      const pass = await runFlexAttention(
        buffers,
        timer,
        this.program,
        this.shape,
        this.qkv,
        mask,
        ...noPicture(this.shape, mask.nQ),
      );
      const { out } = await readAttention(buffers, pass, this.shape);
      const wallMs = performance.now() - start;
      return { gpuMs: await stageMs(timer, 'attention'), wallMs, out };
    } finally {
      buffers.destroy();
      timer.destroy();
    }
  }

  destroy(): void {
    this.kept?.buffers.destroy();
    this.kept = null;
    this.inputs.destroy();
  }
}
