import { clipForMessage } from './bounded';
import { formatShape, TensorFileError, type Tensor } from './tensor';

/**
 * The Q/K/V layouts people save (docs/tensor-files.md), and conversion to PyTorch attention's
 * [B, H, S, D]. A layout without a B (or H) axis is one batch item (or head), repeated over
 * every batch item (or head) of the scenario.
 */
export type Layout = 'BHSD' | 'BSHD' | 'HSD' | 'SD';

export const LAYOUTS: readonly Layout[] = ['BHSD', 'BSHD', 'HSD', 'SD'];

export interface ExpectedShape {
  B: number;
  H: number;
  S: number;
  D: number;
}

type Axis = keyof ExpectedShape;

/** "[B,H,S,D]" */
export function layoutLabel(layout: Layout): string {
  return `[${AXES[layout].join(',')}]`;
}

const AXES: Record<Layout, readonly Axis[]> = {
  BHSD: ['B', 'H', 'S', 'D'],
  BSHD: ['B', 'S', 'H', 'D'],
  HSD: ['H', 'S', 'D'],
  SD: ['S', 'D'],
};

function axesOf(layout: Layout): readonly Axis[] {
  return AXES[layout];
}

/** The layouts under which `shape` is exactly the expected sizes, in LAYOUTS order. */
export function inferLayout(shape: readonly number[], expected: ExpectedShape): Layout[] {
  return LAYOUTS.filter((layout) => mismatches(shape, layout, expected).length === 0);
}

function mismatches(
  shape: readonly number[],
  layout: Layout,
  expected: ExpectedShape,
): readonly Axis[] {
  const axes = axesOf(layout);
  if (shape.length !== axes.length) return axes;
  return axes.filter((axis, i) => shape[i] !== expected[axis]);
}

/**
 * Why `shape` cannot be read under `layout` for the expected sizes, or null when it can. `name`
 * ("q", "k", "v") starts the message. Allocates nothing, so it can run before any expansion.
 */
export function layoutProblem(
  shape: readonly number[],
  layout: Layout,
  expected: ExpectedShape,
  name: string,
): string | null {
  const axes = axesOf(layout);
  // A shape in a message is at most a few hundred characters, however many dimensions it has.
  const shown = clipForMessage(formatShape(shape));
  if (shape.length !== axes.length) {
    return (
      `${name} has shape ${shown}; layout ${layoutLabel(layout)} needs ` +
      `${axes.length} dimensions, not ${shape.length}`
    );
  }
  const wrong = mismatches(shape, layout, expected);
  if (wrong.length === 0) return null;
  const meaning = axes.map((axis, i) => `${axis}=${shape[i]}`).join(', ');
  const scenario = wrong.map((axis) => `${axis}=${expected[axis]}`).join(', ');
  return (
    `${name} has shape ${shown}; with layout ${layoutLabel(layout)} that means ` +
    `${meaning}, but the scenario has ${scenario}`
  );
}

/**
 * The tensor's values as a [B, H, S, D] Float32Array of the expected sizes. `name` ("q", "k",
 * "v") starts the error message when the shape does not fit the layout and the scenario.
 */
export function toBHSD(
  tensor: Tensor,
  layout: Layout,
  expected: ExpectedShape,
  name: string,
): Float32Array {
  const problem = layoutProblem(tensor.shape, layout, expected, name);
  if (problem !== null) throw new TensorFileError(problem);
  const { B, H, S, D } = expected;
  const out = new Float32Array(B * H * S * D);
  const src = tensor.data;
  // Element (b, h, s, d) of the source, by layout; a missing axis reads index 0.
  const sourceIndex: (b: number, h: number, s: number) => number = {
    BHSD: (b: number, h: number, s: number) => ((b * H + h) * S + s) * D,
    BSHD: (b: number, h: number, s: number) => ((b * S + s) * H + h) * D,
    HSD: (_b: number, h: number, s: number) => (h * S + s) * D,
    SD: (_b: number, _h: number, s: number) => s * D,
  }[layout];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let s = 0; s < S; s++) {
        const from = sourceIndex(b, h, s);
        const to = ((b * H + h) * S + s) * D;
        for (let d = 0; d < D; d++) out[to + d] = src[from + d];
      }
    }
  }
  return out;
}
