/**
 * GPU time per stage. With the `timestamp-query` feature, each stage's compute pass writes a
 * timestamp at its start and end; without it, the stage is timed on the wall clock around
 * `onSubmittedWorkDone`, which includes queue latency (the result says which it was).
 */
import { KERNEL_GROUP, PROGRAM_GROUP } from './resources';

export interface MeasuredStage {
  name: string;
  ms: number;
  source: 'gpu' | 'wall';
}

const MAX_STAGES = 8;

export class StageTimer {
  private readonly querySet: GPUQuerySet | null;
  private readonly names: string[] = [];
  private readonly wall = new Map<string, number>();

  constructor(private readonly device: GPUDevice) {
    this.querySet = device.features.has('timestamp-query')
      ? device.createQuerySet({ type: 'timestamp', count: 2 * MAX_STAGES })
      : null;
  }

  get usesTimestamps(): boolean {
    return this.querySet !== null;
  }

  /** The pass descriptor of a stage: timestamped when the device can. */
  passDescriptor(name: string): GPUComputePassDescriptor {
    if (!this.querySet || this.names.length >= MAX_STAGES) return { label: name };
    const index = this.names.length;
    this.names.push(name);
    return {
      label: name,
      timestampWrites: {
        querySet: this.querySet,
        beginningOfPassWriteIndex: 2 * index,
        endOfPassWriteIndex: 2 * index + 1,
      },
    };
  }

  /**
   * Submits one stage's commands and waits for them; records wall time when there are no
   * timestamps. Awaiting each stage lets a run be cancelled between stages.
   */
  async submit(name: string, commands: GPUCommandBuffer): Promise<void> {
    const start = performance.now();
    this.device.queue.submit([commands]);
    await this.device.queue.onSubmittedWorkDone();
    if (!this.querySet || !this.names.includes(name)) {
      this.wall.set(name, performance.now() - start);
    }
  }

  /**
   * Runs one stage: a single compute pass with the two bind groups set once and the dispatches
   * in order (WebGPU makes each dispatch's writes visible to the next), timed as one stage.
   */
  async runStage(
    name: string,
    bindGroups: [GPUBindGroup, GPUBindGroup],
    dispatches: { pipeline: GPUComputePipeline; workgroups: [number, number?, number?] }[],
  ): Promise<void> {
    const encoder = this.device.createCommandEncoder({ label: name });
    const pass = encoder.beginComputePass(this.passDescriptor(name));
    pass.setBindGroup(KERNEL_GROUP, bindGroups[0]);
    pass.setBindGroup(PROGRAM_GROUP, bindGroups[1]);
    for (const { pipeline, workgroups } of dispatches) {
      pass.setPipeline(pipeline);
      pass.dispatchWorkgroups(...workgroups);
    }
    pass.end();
    await this.submit(name, encoder.finish());
  }

  /** Reads all timestamps back; stages without one report their wall time. */
  async results(): Promise<MeasuredStage[]> {
    const measured: MeasuredStage[] = [];
    if (this.querySet && this.names.length > 0) {
      const count = 2 * this.names.length;
      const resolve = this.device.createBuffer({
        size: count * 8,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      });
      const read = this.device.createBuffer({
        size: count * 8,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      const encoder = this.device.createCommandEncoder();
      encoder.resolveQuerySet(this.querySet, 0, count, resolve, 0);
      encoder.copyBufferToBuffer(resolve, 0, read, 0, count * 8);
      this.device.queue.submit([encoder.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const ticks = new BigUint64Array(read.getMappedRange().slice(0));
      read.unmap();
      resolve.destroy();
      read.destroy();
      this.names.forEach((name, i) => {
        const ns = Number(ticks[2 * i + 1]) - Number(ticks[2 * i]);
        measured.push({ name, ms: Math.max(0, ns) / 1e6, source: 'gpu' });
      });
    }
    for (const [name, ms] of this.wall) measured.push({ name, ms, source: 'wall' });
    return measured;
  }

  destroy(): void {
    this.querySet?.destroy();
  }
}
