import { useStore } from 'zustand';
import { isAbortError } from '../app/async/abort';
import { LAYOUTS, layoutLabel } from '../app/tensors/layout';
import { clipForMessage } from '../app/tensors/bounded';
import { DTYPE_NAME, formatShape } from '../app/tensors/tensor';
import { MAX_SEED, type InputName } from '../app/problem';
import { checkUpload, checkUploadSize, fileLabel, INPUT_TITLES } from '../app/state/uploads';
import { readUploadOffThread } from '../app/state/uploadClient';
import {
  playground,
  setSeed,
  setUpload,
  setUploadError,
  setUploadLayout,
  type UploadLayout,
} from '../app/state/store';
import { NumberField } from './NumberField';

/**
 * Reads a chosen file in the upload worker (the page never parses it) and stores the tensor, or
 * the message saying why it was refused. A file replaced by a newer one for the same input says
 * nothing.
 */
async function onFile(input: InputName, file: File | undefined) {
  if (!file) return;
  try {
    checkUploadSize(file.size, file.name);
    const tensor = await readUploadOffThread(file, input);
    setUpload(input, { fileName: file.name, tensor, layout: 'auto' });
  } catch (error) {
    if (isAbortError(error)) return;
    setUploadError(input, error instanceof Error ? error.message : String(error));
  }
}

const LAYOUT_CHOICES: readonly UploadLayout[] = ['auto', ...LAYOUTS];

const LAYOUT_HELP: Record<InputName, string> = {
  q: 'Q: [B, H, Q_LEN, D]',
  k: 'K: [B, Hkv, KV_LEN, D]',
  v: 'V: [B, Hkv, KV_LEN, Dv]',
};

/** Where Q, K and V come from: a seeded random draw, or uploaded files (each one optional). */
export function InputControls() {
  const seed = useStore(playground, (s) => s.scenario.seed);
  const scenario = useStore(playground, (s) => s.scenario);
  const uploads = useStore(playground, (s) => s.uploads);
  const errors = useStore(playground, (s) => s.uploadErrors);
  return (
    <section className="panel inputs" aria-labelledby="inputs-heading">
      <h2 id="inputs-heading">Inputs</h2>
      <div className="field-grid">
        <NumberField
          label="Seed"
          hint="random Q, K, V"
          min={0}
          max={MAX_SEED}
          value={seed}
          testId="seed"
          onCommit={(v) => setSeed(v)}
        />
        <div className="field">
          <span className="label-spacer" aria-hidden="true">
            &nbsp;
          </span>
          <button type="button" onClick={() => setSeed((seed + 1) % 2 ** 31)}>
            New seed
          </button>
        </div>
      </div>
      <p className="muted small-text">
        Or upload tensors (.npy, .safetensors or JSON); any you leave out stay random.
      </p>
      {(['q', 'k', 'v'] as const).map((input) => {
        const upload = uploads[input];
        // Checked from the shapes alone: a render never expands an upload.
        const fitted = upload ? checkUpload(input, upload, scenario) : null;
        const title = INPUT_TITLES[input];
        return (
          <div key={input} className="upload" data-testid={`upload-${input}`}>
            <div className="upload-row">
              <label className="file-button">
                Upload {title}
                <input
                  type="file"
                  accept=".npy,.safetensors,.json"
                  aria-label={`Upload ${title} (${LAYOUT_HELP[input]})`}
                  data-testid={`upload-input-${input}`}
                  onChange={(e) => {
                    void onFile(input, e.target.files?.[0]);
                    e.target.value = '';
                  }}
                />
              </label>
              {upload && (
                <>
                  <span className="upload-name" data-testid={`upload-name-${input}`}>
                    {fileLabel(upload.fileName)} ·{' '}
                    {clipForMessage(formatShape(upload.tensor.shape))}{' '}
                    {DTYPE_NAME[upload.tensor.dtype]}
                  </span>
                  <select
                    aria-label={`Layout of ${title}`}
                    value={upload.layout}
                    data-testid={`upload-layout-${input}`}
                    onChange={(e) => {
                      const layout = LAYOUT_CHOICES.find((l) => l === e.target.value);
                      if (layout) setUploadLayout(input, layout);
                    }}
                  >
                    <option value="auto">
                      Infer
                      {fitted?.ok && upload.layout === 'auto'
                        ? ` (${layoutLabel(fitted.layout)})`
                        : ''}
                    </option>
                    {LAYOUTS.map((l) => (
                      <option key={l} value={l}>
                        {layoutLabel(l)}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className="small"
                    onClick={() => setUpload(input, null)}
                    aria-label={`Remove uploaded ${title}`}
                  >
                    Remove
                  </button>
                </>
              )}
              {!upload && <span className="muted">random ({LAYOUT_HELP[input]})</span>}
            </div>
            {errors[input] && (
              <p className="error-text" role="alert" data-testid={`upload-error-${input}`}>
                {errors[input]}
              </p>
            )}
            {fitted && !fitted.ok && (
              <p className="error-text" role="alert" data-testid={`upload-error-${input}`}>
                {fitted.error}
              </p>
            )}
          </div>
        );
      })}
    </section>
  );
}
