import type { AttentionShape, InputName } from '../../problem';
import type { ItemResult } from './item';
import type { MaskGrid, WorkItem } from './work';

/**
 * The messages between the page and a CPU engine worker. A run opens with `begin`, then the page
 * deals `item`s one or two at a time as workers finish (dynamic dealing balances any mask), and
 * each item's result comes back with its buffers transferred.
 *
 * Workers live across runs and keep the last inputs they were sent: before `begin` the page sends
 * only the inputs that differ from the ones that worker holds (a program or slider edit reuses
 * the same Q, K and V). An input travels in `input` parts of at most INPUT_PART_VALUES, each a
 * copy the page transfers, one part per main-thread task: cloning a whole input of hundreds of
 * megabytes in one postMessage held the page's thread for hundreds of milliseconds.
 */
export type CpuEngineRequest =
  | {
      kind: 'input';
      run: number;
      name: InputName;
      /** The whole input's length; the part at offset 0 starts a new array of it. */
      length: number;
      offset: number;
      values: Float32Array;
    }
  | {
      kind: 'begin';
      run: number;
      source: string;
      shape: AttentionShape;
      grid: MaskGrid;
      pictureHead: { b: number; h: number } | null;
      relaxed: boolean;
    }
  | { kind: 'item'; run: number; item: WorkItem };

export type CpuEngineResponse =
  | { kind: 'item'; run: number; result: ItemResult }
  | { kind: 'error'; run: number; message: string };

/** The most values in one `input` part (4 MiB): a copy of it takes a millisecond or two. */
export const INPUT_PART_VALUES = 1 << 20;
