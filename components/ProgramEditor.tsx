import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { backgroundTask } from '../app/async/backgroundTask';
import { MAX_CODE_CHARS } from '../app/problem';
import { playground, typeCode } from '../app/state/store';
import type { EditorHandle } from './codeEditor';

const LABEL = 'Program: mask_mod and score_mod in Python';

/**
 * The program text, the single source of truth. CodeMirror (with Python highlighting) loads
 * after the first paint; until then a plain text area holds the same text.
 */
export function ProgramEditor() {
  const code = useStore(playground, (s) => s.scenario.code);
  const compileError = useStore(playground, (s) => s.compileError);
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<EditorHandle | null>(null);
  /** Applies a changed text the editor has not taken yet, at once; null when none waits. */
  const textWaiting = useRef<(() => void) | null>(null);
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [tooLong, setTooLong] = useState<number | null>(null);

  useEffect(() => {
    let cancelled = false;
    import('./codeEditor').then(
      ({ createEditor }) => {
        const host = hostRef.current;
        if (cancelled || !host) return;
        editorRef.current = createEditor(
          host,
          playground.getState().scenario.code,
          (text) => {
            setTooLong(null);
            typeCode(text);
          },
          { label: LABEL, maxLength: MAX_CODE_CHARS, onTooLong: setTooLong },
        );
        setReady(true);
      },
      (error: unknown) => {
        if (!cancelled) setLoadError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      cancelled = true;
      editorRef.current?.destroy();
      editorRef.current = null;
    };
  }, []);

  // Edits from elsewhere (sliders, the gallery, a share link) flow into the editor in a task of
  // their own: CodeMirror redraws and reads the selection back (a forced layout), and doing that
  // inside React's commit of a new link made one long main-thread task of both. The task is of
  // the lowest priority, so that the run the edit started (the compiler's answer, the engine's
  // steps) goes first: a slider's new value reaches the picture 20-30 ms sooner. The editor
  // takes the store's text as it is when the task runs, so a keystroke in between (which has
  // reached the store already) is never undone. Tasks of one priority run in order, so an error
  // set in the same commit lands on the text it belongs to.
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const apply = () => {
      textWaiting.current = null;
      editor.setText(playground.getState().scenario.code);
    };
    const cancel = backgroundTask(apply);
    textWaiting.current = () => {
      cancel();
      apply();
    };
    return () => {
      cancel();
      textWaiting.current = null;
    };
  }, [code, ready]);

  // Background tasks can wait behind a run's many tasks (a large picture's bands): a user who
  // turns to the editor meanwhile gets the waiting text at once, since typing into the older
  // text would put it back.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const flush = () => textWaiting.current?.();
    const events = ['focusin', 'keydown', 'pointerdown'] as const;
    for (const event of events) host.addEventListener(event, flush, true);
    return () => {
      for (const event of events) host.removeEventListener(event, flush, true);
    };
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    return backgroundTask(() => {
      const error = playground.getState().compileError;
      editor.setError(error ? { span: error.span, message: error.message } : null);
    });
  }, [compileError, ready]);

  return (
    <div className="editor" data-testid="program-editor" data-ready={ready}>
      <div ref={hostRef} className="editor-host" hidden={!ready} />
      {!ready && (
        <textarea
          className="editor-fallback"
          aria-label={LABEL}
          spellCheck={false}
          value={code}
          onChange={(e) => {
            const text = e.target.value;
            setTooLong(typeCode(text) ? null : text.length);
          }}
          rows={Math.min(24, code.split('\n').length + 1)}
        />
      )}
      {tooLong !== null && (
        <p className="error-text" role="alert" data-testid="program-too-long">
          That edit would make the program {tooLong.toLocaleString('en-US')} characters long; a
          program holds at most {MAX_CODE_CHARS.toLocaleString('en-US')} characters, so that every
          program fits a share link. The edit was not applied.
        </p>
      )}
      {loadError && (
        <p className="error-text">
          The code editor could not load ({loadError}); the plain text area still works.
        </p>
      )}
    </div>
  );
}
