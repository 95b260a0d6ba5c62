/**
 * How deep brackets nest in a text: the most `(`, `[` and `{` open at once. Brackets inside
 * strings and comments count too; this only decides when the editor stops highlighting
 * (components/codeEditor.ts), and a text must hold hundreds of unclosed brackets in its strings
 * before that miscount matters.
 */
export function bracketDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) {
      depth -= 1;
    }
  }
  return deepest;
}
