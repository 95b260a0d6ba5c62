import { useStore } from 'zustand';
import type { ParamInfo } from '../app/mask/types';
import { readConstant, rewriteParam, sliderRange } from '../app/state/params';
import { playground, setCode } from '../app/state/store';

function setParam(param: ParamInfo, value: number) {
  if (!Number.isFinite(value)) return;
  const { scenario, program } = playground.getState();
  setCode(rewriteParam(scenario.code, param, value, program?.source ?? null));
}

/** One control per top-level constant of the program: a slider and an exact number field. */
export function ParameterControls() {
  const program = useStore(playground, (s) => s.program);
  const code = useStore(playground, (s) => s.scenario.code);
  const longest = useStore(playground, (s) => Math.max(s.scenario.Q, s.scenario.KV));
  const params = program?.params ?? [];
  return (
    <section className="panel params" aria-labelledby="params-heading">
      <h2 id="params-heading">Parameters</h2>
      {params.length === 0 ? (
        <p className="muted">
          Top-level numbers in the program (like <code>WINDOW = 3</code>) appear here as sliders.
        </p>
      ) : (
        <div className="param-list">
          {params.map((param) => {
            const value = readConstant(code, param.name) ?? param.value;
            const range = sliderRange({ ...param, value }, longest);
            const id = `param-${param.name}`;
            if (param.type === 'bool') {
              return (
                <label key={param.name} className="param-row" htmlFor={id}>
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
              <div key={param.name} className="param-row" data-testid={id}>
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
                    if (e.target.value !== '') setParam(param, Number(e.target.value));
                  }}
                />
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
