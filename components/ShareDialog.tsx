import { useEffect, useId, useState } from 'react';
import { useStore } from 'zustand';
import { scenarioToJson } from '../app/url';
import {
  iframeSnippet,
  LONG_LINK_CHARS,
  linkLimits,
  openScenarioFile,
  shareHash,
  uploadedInputs,
} from '../app/state/shareLink';
import { playground } from '../app/state/store';
import { downloadBlob } from './figureExport';

const EMBED_WIDTH = 720;
const EMBED_HEIGHT = 560;
const INPUT_NAMES = { q: 'Q', k: 'K', v: 'V' } as const;

/** The page's address with another hash: what a link to this page says. */
function pageUrl(hash: string): string {
  const { origin, pathname, search } = window.location;
  return `${origin}${pathname}${search}${hash}`;
}

type CopyState =
  { kind: 'idle' } | { kind: 'copied'; what: string } | { kind: 'failed'; why: string };

async function copyText(text: string, what: string): Promise<CopyState> {
  try {
    await navigator.clipboard.writeText(text);
    return { kind: 'copied', what };
  } catch (error) {
    // Expected where the page may not write the clipboard (permissions, an insecure context).
    return { kind: 'failed', why: error instanceof Error ? error.message : String(error) };
  }
}

interface Links {
  url: string;
  embedUrl: string;
}

/**
 * The Share button and its dialog: copies the link and says how long it is, warns about links
 * long enough for chat apps to cut, downloads and opens the scenario as a JSON file, says what a
 * link cannot carry (uploaded tensors), and gives the `<iframe>` snippet for embedding.
 */
export function ShareDialog() {
  const [open, setOpen] = useState(false);
  const [links, setLinks] = useState<Links | null>(null);
  const [copy, setCopy] = useState<CopyState>({ kind: 'idle' });
  const [fileProblems, setFileProblems] = useState<string[]>([]);
  const [fileOpened, setFileOpened] = useState<string | null>(null);
  const scenario = useStore(playground, (s) => s.scenario);
  const uploads = useStore(playground, (s) => s.uploads);
  const titleId = useId();

  // The link follows the scenario while the dialog is open.
  useEffect(() => {
    if (!open) return;
    let current = true;
    const state = { scenario, uploads };
    void Promise.all([shareHash(state), shareHash(state, true)]).then(([hash, embedHash]) => {
      if (current) setLinks({ url: pageUrl(hash), embedUrl: pageUrl(embedHash) });
    });
    return () => {
      current = false;
    };
  }, [open, scenario, uploads]);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  const share = async () => {
    setOpen(true);
    setFileProblems([]);
    setFileOpened(null);
    setCopy({ kind: 'idle' });
    const url = pageUrl(await shareHash(playground.getState()));
    setCopy(await copyText(url, 'link'));
  };

  const downloadJson = () => {
    const text = scenarioToJson(playground.getState().scenario);
    downloadBlob(new Blob([text], { type: 'application/json' }), 'flexmask_scenario.json');
  };

  const openFile = async (file: File | undefined) => {
    if (!file) return;
    setFileOpened(null);
    // Refuse before reading: a scenario file is text no longer than the longest link, and its
    // program is at most 100,000 characters (1 MiB leaves room for JSON's escapes).
    const maxBytes = Math.min(linkLimits().maxHashChars * 4, 1 << 20);
    if (file.size > maxBytes) {
      setFileProblems([
        `${file.name} is ${file.size} bytes; a scenario file is at most ${maxBytes} bytes. Nothing was changed.`,
      ]);
      return;
    }
    const problems = openScenarioFile(await file.text());
    if (problems.length > 0) {
      // The file as a whole was refused, so each message stands alone (no "opened the default").
      setFileProblems(problems.map((p) => `${file.name}: ${p.message.replace(/[.\s]+$/, '')}.`));
      return;
    }
    setFileProblems([]);
    setFileOpened(file.name);
  };

  const uploaded = uploadedInputs({ uploads }).map((input) => INPUT_NAMES[input]);
  const length = links?.url.length ?? 0;
  const snippet = links ? iframeSnippet(links.embedUrl, EMBED_WIDTH, EMBED_HEIGHT) : '';

  return (
    <>
      <button type="button" className="share-button" onClick={() => void share()}>
        Share
      </button>
      {open && (
        <div
          className="share-dialog panel"
          role="dialog"
          aria-labelledby={titleId}
          data-testid="share-dialog"
        >
          <div className="panel-heading">
            <h2 id={titleId}>Share this scenario</h2>
            <button type="button" className="small" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>

          <label className="field field-wide">
            <span>Link</span>
            <input
              type="text"
              readOnly
              value={links?.url ?? ''}
              data-testid="share-url"
              onFocus={(e) => e.currentTarget.select()}
            />
          </label>
          <p data-testid="share-length" data-length={length}>
            {links
              ? `The link is ${length.toLocaleString('en')} characters long.`
              : 'Making the link…'}
          </p>
          <div className="button-row">
            <button
              type="button"
              disabled={!links}
              onClick={() => links && void copyText(links.url, 'link').then(setCopy)}
            >
              Copy link
            </button>
            <span
              className={copy.kind === 'failed' ? 'error-text' : 'muted'}
              data-testid="share-copy-status"
              data-state={copy.kind}
              role="status"
            >
              {copy.kind === 'copied' && `Copied the ${copy.what}.`}
              {copy.kind === 'failed' &&
                `Could not copy (${copy.why}); select the text and copy it by hand.`}
            </span>
          </div>
          {length > LONG_LINK_CHARS && (
            <p className="share-warning" data-testid="share-too-long" role="alert">
              This link is longer than {LONG_LINK_CHARS.toLocaleString('en')} characters: chat apps
              and mail clients may cut it. Send the scenario as a JSON file instead (download it
              below); flexmask opens it with &ldquo;Open scenario JSON&rdquo;.
            </p>
          )}

          <h3>Scenario file</h3>
          <div className="button-row">
            <button type="button" onClick={downloadJson}>
              Download scenario as JSON
            </button>
            <label className="file-button">
              Open scenario JSON…
              <input
                type="file"
                accept=".json,application/json"
                data-testid="share-open-json"
                onChange={(e) => {
                  void openFile(e.target.files?.[0]);
                  e.target.value = '';
                }}
              />
            </label>
          </div>
          {fileOpened && (
            <p className="muted" data-testid="share-file-opened" role="status">
              Opened {fileOpened}.
            </p>
          )}
          {fileProblems.length > 0 && (
            <div className="error-text" data-testid="share-file-error" role="alert">
              <p>The file was not opened; the page is unchanged.</p>
              <ul>
                {fileProblems.map((text, i) => (
                  <li key={i}>{text}</li>
                ))}
              </ul>
            </div>
          )}

          <h3>Uploaded inputs</h3>
          <p data-testid="share-uploads">
            Uploaded tensors are not put in links or scenario files.{' '}
            {uploaded.length > 0
              ? `This link replaces your uploaded ${uploaded.join(', ')} with random stand-ins drawn with seed ${scenario.seed}, and says so to whoever opens it.`
              : 'Q, K and V here are drawn at random from the seed, so the link reproduces them exactly.'}
          </p>

          <h3>Embed</h3>
          <p className="muted">
            Paste this into a slide or a blog post to show the current view alone:
          </p>
          <textarea
            className="code-block share-snippet"
            readOnly
            rows={3}
            value={snippet}
            data-testid="share-embed"
            onFocus={(e) => e.currentTarget.select()}
          />
          <div className="button-row">
            <button
              type="button"
              disabled={!links}
              onClick={() => void copyText(snippet, 'embed snippet').then(setCopy)}
            >
              Copy snippet
            </button>
          </div>
        </div>
      )}
    </>
  );
}
