import type { AttentionShape, InputName } from '../problem';

/** What the page asks the input worker for: some of q, k, v for one shape and seed. */
export interface InputsRequest {
  id: number;
  shape: AttentionShape;
  seed: number;
  names: InputName[];
}

export type InputsResponse =
  | { id: number; ok: true; tensors: Partial<Record<InputName, Float32Array>> }
  | { id: number; ok: false; message: string };
