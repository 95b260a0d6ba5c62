import { useStore } from 'zustand';
import { SHAPE_FIELDS, shapeField } from '../app/problem';
import { playground, setBatchHead, setShape } from '../app/state/store';
import { NumberField } from './NumberField';
import { BlockSizeSelect } from './BlockSizeSelect';

/** The sizes typed as numbers; block sizes are chosen from powers of two (BlockSizeSelect). */
const NUMBER_FIELDS = SHAPE_FIELDS.filter((f) => f.key !== 'blockQ' && f.key !== 'blockKV');

/** The attention problem's sizes, the BlockMask's block sizes and which (b, h) is on screen. */
export function ShapeControls() {
  const scenario = useStore(playground, (s) => s.scenario);
  const limits = useStore(playground, (s) => s.shapeLimits);
  return (
    <section className="panel shape" aria-labelledby="shape-heading">
      <h2 id="shape-heading">Shape</h2>
      <div className="field-grid">
        {NUMBER_FIELDS.map(({ key, label, hint, min }) => (
          <NumberField
            key={key}
            label={label}
            hint={hint}
            min={min}
            // Hkv is at most H (it must also divide H; the runner says so when it does not).
            max={key === 'HKV' ? Math.min(limits.HKV, scenario.H) : limits[key]}
            value={scenario[key]}
            testId={`shape-${key}`}
            onCommit={(v) => setShape({ [key]: v })}
          />
        ))}
        {(['blockQ', 'blockKV'] as const).map((key) => (
          <BlockSizeSelect
            key={key}
            which={key}
            label={shapeField(key).label}
            max={limits[key]}
            value={scenario[key]}
          />
        ))}
      </div>
      <div className="field-grid view-select">
        <NumberField
          label="b"
          hint="batch item shown"
          min={0}
          max={scenario.B - 1}
          value={scenario.b}
          testId="view-b"
          onCommit={(v) => setBatchHead(v, scenario.h)}
        />
        <NumberField
          label="h"
          hint="head shown"
          min={0}
          max={scenario.H - 1}
          value={scenario.h}
          testId="view-h"
          onCommit={(v) => setBatchHead(scenario.b, v)}
        />
      </div>
    </section>
  );
}
