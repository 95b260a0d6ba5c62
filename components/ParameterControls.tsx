import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { ParamInfo } from '../app/mask/types';
import {
  constantsOf,
  MAX_PARAM_SLIDERS,
  paramListing,
  rewriteParam,
  sliderRange,
  splitForSliders,
  type ConstantTable,
} from '../app/state/params';
import { playground, setCode } from '../app/state/store';

/**
 * Rewrites the constant in the program text. `typed`: the value comes from typing in the number
 * field, so the run waits for a pause in typing, as it does for the editor (app/state/runner.ts);
 * a slider or checkbox change runs at once.
 */
function setParam(param: ParamInfo, value: number, typed = false) {
  if (!Number.isFinite(value)) return;
  const { scenario, program } = playground.getState();
  setCode(rewriteParam(scenario.code, param, value, program?.source ?? null), playground, typed);
}

/**
 * One control per top-level constant of the program: a slider and an exact number field, for the
 * first MAX_PARAM_SLIDERS of them; the others are listed by name and value. The text's constants
 * are read from one table per text (app/state/params.ts), never by scanning the text per slider.
 */
export function ParameterControls() {
  const program = useStore(playground, (s) => s.program);
  const code = useStore(playground, (s) => s.scenario.code);
  const longest = useStore(playground, (s) => Math.max(s.scenario.Q, s.scenario.KV));
  const count = program?.params.length ?? 0;
  const constants = constantsOf(code);
  const { sliders, rest } = useMemo(() => splitForSliders(program?.params ?? []), [program]);
  return (
    <section className="panel params" aria-labelledby="params-heading">
      <h2 id="params-heading">Parameters</h2>
      {count === 0 ? (
        <p className="muted">
          Top-level numbers in the program (like <code>WINDOW = 3</code>) appear here as sliders.
        </p>
      ) : (
        <div className="param-list">
          {sliders.map((param) => (
            <ParamRow
              key={param.name}
              param={param}
              value={constants.value(param.name) ?? param.value}
              longest={longest}
            />
          ))}
        </div>
      )}
      {rest.length > 0 && <MoreParams params={rest} constants={constants} />}
    </section>
  );
}

function ParamRow({ param, value, longest }: { param: ParamInfo; value: number; longest: number }) {
  const range = sliderRange({ ...param, value }, longest);
  const id = `param-${param.name}`;
  if (param.type === 'bool') {
    return (
      <label className="param-row" htmlFor={id}>
        <span className="param-name">{param.name}</span>
        <input
          id={id}
          type="checkbox"
          checked={value !== 0}
          onChange={(e) => setParam(param, e.target.checked ? 1 : 0)}
        />
      </label>
    );
  }
  return (
    <div className="param-row" data-testid={id}>
      <label className="param-name" htmlFor={id}>
        {param.name}
      </label>
      <input
        id={id}
        type="range"
        min={range.min}
        max={range.max}
        step={range.step}
        value={value}
        onChange={(e) => setParam(param, Number(e.target.value))}
      />
      <input
        type="number"
        className="param-number"
        aria-label={`${param.name} value`}
        step={param.type === 'int' ? 1 : 'any'}
        value={value}
        onChange={(e) => {
          if (e.target.value !== '') setParam(param, Number(e.target.value), true);
        }}
      />
    </div>
  );
}

/**
 * The parameters past the slider cap, as `name = value` lines in one block of text (built only
 * while the list is open, and one text node however many there are).
 */
function MoreParams({
  params,
  constants,
}: {
  params: readonly ParamInfo[];
  constants: ConstantTable;
}) {
  const [open, setOpen] = useState(false);
  const listing = useMemo(
    () => (open ? paramListing(params, constants) : ''),
    [open, params, constants],
  );
  return (
    <details
      className="param-more"
      data-testid="param-more"
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>and {params.length.toLocaleString('en-US')} more parameters</summary>
      <p className="muted small-text">
        Only the first {MAX_PARAM_SLIDERS} parameters get sliders; change these in the program text.
      </p>
      {open && (
        <pre
          className="code-block"
          data-testid="param-more-list"
          aria-label="More parameters"
          style={{ maxHeight: '16rem', overflow: 'auto' }}
        >
          {listing}
        </pre>
      )}
    </details>
  );
}
