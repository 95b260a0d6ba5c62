/**
 * What a CPU engine worker remembers between messages, and how it answers each one: the compiled
 * program (cached by text), the last inputs it was sent, the kernel (cached by shape), and the
 * current run. Apart from `self`, all of the worker; the unit tests drive it without one.
 */
import { createFlashKernel } from '../../../cpu/flashKernel';
import type { AttentionInputs } from '../../problem';
import { emptyKeyCache, runItem, type ItemContext, type ItemKernel } from './item';
import { workerProgram, type WorkerProgram } from './program';
import type { CpuEngineRequest, CpuEngineResponse } from './protocol';

export class WorkerState {
  private program: WorkerProgram | null = null;
  private readonly held: Partial<AttentionInputs> = {};
  private kernel: { key: string; kernel: ItemKernel } | null = null;
  private context: ItemContext | null = null;
  private run = -1;

  /** The answer to one message (null for `input` and `begin`, or an item of a run that is over). */
  handle(request: CpuEngineRequest): CpuEngineResponse | null {
    try {
      if (request.kind === 'input') {
        this.receive(request);
        return null;
      }
      if (request.kind === 'begin') {
        this.begin(request);
        return null;
      }
      if (request.run !== this.run || !this.context) return null;
      return { kind: 'item', run: this.run, result: runItem(this.context, request.item) };
    } catch (error) {
      this.context = null;
      return {
        kind: 'error',
        run: request.run,
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** One part of an input; the part at offset 0 starts the new array. */
  private receive({ name, length, offset, values }: Extract<CpuEngineRequest, { kind: 'input' }>) {
    // A new input makes whatever run this worker had stale.
    this.context = null;
    if (offset === 0) this.held[name] = new Float32Array(length);
    const held = this.held[name];
    if (!held || held.length !== length || offset + values.length > length) {
      throw new Error(`The CPU worker was sent a part of ${name} that does not fit it.`);
    }
    held.set(values, offset);
  }

  private begin(request: Extract<CpuEngineRequest, { kind: 'begin' }>): void {
    this.run = request.run;
    this.context = null;
    if (this.program?.source !== request.source) this.program = workerProgram(request.source);
    const { shape } = request;
    const sizes = {
      D: shape.D,
      DV: shape.DV,
      blockQ: shape.blockQ,
      blockKV: shape.blockKV,
      KV: shape.KV,
    };
    const key = `${JSON.stringify(sizes)}:${request.relaxed}`;
    if (this.kernel?.key !== key) {
      this.kernel = { key, kernel: createFlashKernel(sizes, { relaxed: request.relaxed }) };
    }
    const { q, k, v } = this.held;
    if (!q || !k || !v) throw new Error('The CPU worker was not sent the inputs.');
    this.context = {
      program: this.program,
      shape,
      grid: request.grid,
      inputs: { q, k, v },
      kernel: this.kernel.kernel,
      // New inputs or a new kernel: whatever keys the kernel held are stale.
      keys: emptyKeyCache(shape),
      pictureHead: request.pictureHead,
    };
  }
}

/** The buffers under an item's result, to transfer rather than copy. */
export function resultBuffers(response: CpuEngineResponse): ArrayBuffer[] {
  if (response.kind !== 'item') return [];
  const { kinds, out, lse, picture } = response.result;
  const views = [
    kinds,
    out,
    lse,
    ...(picture ? [picture.scores, picture.probs, picture.mask] : []),
  ];
  return views.flatMap((view) => (view.buffer instanceof ArrayBuffer ? [view.buffer] : []));
}
