import { useId } from 'react';
import { setShape } from '../app/state/store';

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256];
export const PYTORCH_DEFAULT_BLOCK = 128;

/** A BlockMask block size: powers of two up to 256, with PyTorch's default 128 marked. */
export function BlockSizeSelect({
  which,
  label,
  value,
}: {
  which: 'blockQ' | 'blockKV';
  label: string;
  value: number;
}) {
  const id = useId();
  const sizes = SIZES.includes(value) ? SIZES : [...SIZES, value].sort((a, b) => a - b);
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
