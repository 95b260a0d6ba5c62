import type { AttentionInputs, AttentionShape } from '../../problem';
import type { ItemResult } from './item';
import type { MaskGrid, WorkItem } from './work';

/**
 * The messages between the page and a CPU engine worker. A run opens with `begin`, then the page
 * deals `item`s one or two at a time as workers finish (dynamic dealing balances any mask), and
 * each item's result comes back with its buffers transferred.
 *
 * Workers live across runs and keep the last inputs they were sent: `begin` carries an input only
 * when it differs from the one that worker already holds (a program or slider edit reuses the
 * same Q, K and V), and it is copied, never transferred, since the page keeps the run's inputs.
 */
export type CpuEngineRequest =
  | {
      kind: 'begin';
      run: number;
      source: string;
      shape: AttentionShape;
      grid: MaskGrid;
      /** Only the inputs that changed since this worker's last run. */
      inputs: Partial<AttentionInputs>;
      pictureHead: { b: number; h: number } | null;
      relaxed: boolean;
    }
  | { kind: 'item'; run: number; item: WorkItem };

export type CpuEngineResponse =
  | { kind: 'item'; run: number; result: ItemResult }
  | { kind: 'error'; run: number; message: string };
