import { useId } from 'react';
import { setShape } from '../app/state/store';

export const PYTORCH_DEFAULT_BLOCK = 128;

/** Powers of two from 1 up to `max`. */
function powersOfTwo(max: number): number[] {
  const sizes: number[] = [];
  for (let size = 1; size <= max; size *= 2) sizes.push(size);
  return sizes;
}

/**
 * A BlockMask block size: powers of two up to the limit, with PyTorch's default 128 marked. A
 * size a link or preset set that is not a power of two is listed too, so it shows as it is.
 */
export function BlockSizeSelect({
  which,
  label,
  max,
  value,
}: {
  which: 'blockQ' | 'blockKV';
  label: string;
  max: number;
  value: number;
}) {
  const id = useId();
  const powers = powersOfTwo(max);
  const sizes = powers.includes(value) ? powers : [...powers, value].sort((a, b) => a - b);
  return (
    <div className="field field-wide">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        data-testid={`shape-${which}`}
        onChange={(e) => setShape({ [which]: Number(e.target.value) })}
      >
        {sizes.map((s) => (
          <option key={s} value={s}>
            {s === PYTORCH_DEFAULT_BLOCK ? `${s} (PyTorch default)` : s}
          </option>
        ))}
      </select>
    </div>
  );
}
