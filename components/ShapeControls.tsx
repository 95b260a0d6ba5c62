import { useStore } from 'zustand';
import { playground, setBatchHead, setShape, type ShapeField } from '../app/state/store';
import { NumberField } from './NumberField';
import { BlockSizeSelect } from './BlockSizeSelect';

const FIELDS: { field: ShapeField; label: string; hint: string; max: number }[] = [
  { field: 'B', label: 'B', hint: 'batch', max: 64 },
  { field: 'H', label: 'H', hint: 'query heads', max: 256 },
  { field: 'HKV', label: 'Hkv', hint: 'kv heads (GQA)', max: 256 },
  { field: 'Q', label: 'Q_LEN', hint: 'queries', max: 1 << 16 },
  { field: 'KV', label: 'KV_LEN', hint: 'keys', max: 1 << 16 },
  { field: 'D', label: 'D', hint: 'head dim', max: 512 },
  { field: 'DV', label: 'Dv', hint: 'value dim', max: 512 },
];

/** The attention problem's sizes, the BlockMask's block sizes and which (b, h) is on screen. */
export function ShapeControls() {
  const scenario = useStore(playground, (s) => s.scenario);
  return (
    <section className="panel shape" aria-labelledby="shape-heading">
      <h2 id="shape-heading">Shape</h2>
      <div className="field-grid">
        {FIELDS.map(({ field, label, hint, max }) => (
          <NumberField
            key={field}
            label={label}
            hint={hint}
            min={1}
            max={max}
            value={scenario[field]}
            testId={`shape-${field}`}
            onCommit={(v) => setShape({ [field]: v })}
          />
        ))}
        <BlockSizeSelect which="blockQ" label="Q block" value={scenario.blockQ} />
        <BlockSizeSelect which="blockKV" label="KV block" value={scenario.blockKV} />
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
