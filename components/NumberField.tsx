import { useEffect, useId, useState } from 'react';

interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  onCommit: (value: number) => void;
  /** Shown under the label as a hint (e.g. the PyTorch name). */
  hint?: string;
  testId?: string;
}

/**
 * A labelled whole-number field. It keeps what the user is typing and commits only values inside
 * [min, max]; anything else is marked invalid with the allowed range, never silently changed.
 */
export function NumberField({ label, value, min, max, onCommit, hint, testId }: Props) {
  const id = useId();
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const parsed = Number(text);
  const valid = text.trim() !== '' && Number.isInteger(parsed) && parsed >= min && parsed <= max;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {hint && <span className="hint"> {hint}</span>}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={text}
        aria-invalid={!valid}
        data-testid={testId}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isInteger(v) && v >= min && v <= max)
            onCommit(v);
        }}
        onBlur={() => {
          if (!valid) setText(String(value));
        }}
      />
      {!valid && (
        <span className="field-error" role="alert">
          {min} to {max}
        </span>
      )}
    </div>
  );
}
