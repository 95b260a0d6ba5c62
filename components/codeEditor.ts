/**
 * The CodeMirror 6 editor, loaded on demand (a dynamic import keeps it out of the first bundle).
 * It edits the program text; compile errors arrive as a lint diagnostic that underlines the span.
 */
import { basicSetup } from 'codemirror';
import { python } from '@codemirror/lang-python';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { SourceSpan } from '../app/mask/types';
import { bracketDepth } from './bracketDepth';

/**
 * Past this nesting the editor shows the text without Python highlighting. CodeMirror's Python
 * parser works through very deep nesting in main-thread slices of 100 ms and more (a link with
 * 30,000 nested parentheses held the page that long, again and again); Python's own parser
 * refuses brackets nested deeper than 200, so no program that runs loses its colours.
 */
const MAX_HIGHLIGHTED_DEPTH = 200;

function highlightable(text: string): boolean {
  return bracketDepth(text) <= MAX_HIGHLIGHTED_DEPTH;
}

function languageOf(highlighted: boolean): Extension {
  return highlighted ? python() : [];
}

/** Colours come from CSS variables, so the editor follows the page's light or dark theme. */
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword], color: 'var(--syn-keyword)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--syn-number)' },
  { tag: [tags.string], color: 'var(--syn-string)' },
  { tag: [tags.comment, tags.lineComment], color: 'var(--syn-comment)', fontStyle: 'italic' },
  {
    tag: [tags.function(tags.definition(tags.variableName)), tags.function(tags.variableName)],
    color: 'var(--syn-function)',
  },
  { tag: [tags.operator, tags.compareOperator, tags.logicOperator], color: 'var(--syn-operator)' },
  { tag: [tags.propertyName], color: 'var(--syn-property)' },
]);

export interface EditorHandle {
  /** Replaces the text (keeping the cursor where the text around it is unchanged). */
  setText(text: string): void;
  /** Underlines a compile error's span, or clears it. */
  setError(error: { span: SourceSpan; message: string } | null): void;
  focus(): void;
  destroy(): void;
}

export interface EditorOptions {
  label: string;
  /** The longest text the editor takes; a change past it is not applied. */
  maxLength: number;
  /** Told the length an edit would have made, when it was not applied for being too long. */
  onTooLong: (length: number) => void;
}

export function createEditor(
  parent: HTMLElement,
  text: string,
  onChange: (text: string) => void,
  { label, maxLength, onTooLong }: EditorOptions,
): EditorHandle {
  let applyingExternal = false;
  const language = new Compartment();
  let highlighted = highlightable(text);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        language.of(languageOf(highlighted)),
        syntaxHighlighting(highlight),
        lintGutter(),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label }),
        // Every program the page holds must fit a share link: an edit past the cap is dropped
        // whole (never cut), so nothing the user had is lost.
        EditorState.transactionFilter.of((tr) => {
          if (!tr.docChanged || tr.newDoc.length <= maxLength) return tr;
          onTooLong(tr.newDoc.length);
          return [];
        }),
        // Highlighting goes off (and back on) as an edit takes the nesting past the limit.
        EditorState.transactionExtender.of((tr) => {
          if (!tr.docChanged) return null;
          const wanted = highlightable(tr.newDoc.toString());
          if (wanted === highlighted) return null;
          highlighted = wanted;
          return { effects: language.reconfigure(languageOf(wanted)) };
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !applyingExternal) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    setText(next) {
      const current = view.state.doc.toString();
      if (current === next) return;
      // Replace only the changed middle, so the cursor and scroll stay put for a slider edit.
      let start = 0;
      while (start < current.length && start < next.length && current[start] === next[start]) {
        start += 1;
      }
      let endCurrent = current.length;
      let endNext = next.length;
      while (
        endCurrent > start &&
        endNext > start &&
        current[endCurrent - 1] === next[endNext - 1]
      ) {
        endCurrent -= 1;
        endNext -= 1;
      }
      applyingExternal = true;
      // The store has checked this text already (setCode refuses what is too long).
      view.dispatch({
        changes: { from: start, to: endCurrent, insert: next.slice(start, endNext) },
        filter: false,
      });
      applyingExternal = false;
    },
    setError(error) {
      const length = view.state.doc.length;
      if (!error) {
        view.dispatch(setDiagnostics(view.state, []));
        return;
      }
      const from = Math.max(0, Math.min(error.span.start, length));
      let to = Math.max(from, Math.min(error.span.end, length));
      if (to === from && to < length) to += 1;
      view.dispatch(
        setDiagnostics(view.state, [{ from, to, severity: 'error', message: error.message }]),
      );
    },
    focus() {
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
}
