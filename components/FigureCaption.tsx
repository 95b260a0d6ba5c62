import type { ColourMapName } from '../app/state/figure';
import type { ViewName } from '../app/problem';

interface Props {
  view: ViewName;
  colourMap: ColourMapName;
  /** The program's opening comment: what this particular mask is. */
  about: string;
  rows: number;
  cols: number;
}

const COLOUR_WORDS: Partial<Record<ColourMapName, string>> = {
  cividis: 'cividis',
  viridis: 'viridis',
  plasma: 'plasma',
};

function howToRead(view: ViewName, colourMap: ColourMapName, rows: number, cols: number): string {
  const grid = `Row i is query token i (${rows} down the side), column j is key token j (${cols} along the top).`;
  switch (view) {
    case 'scores':
      if (colourMap === 'cividis') {
        return `${grid} A yellow cell (1) is a pair mask_mod allows: that query may attend to that key. A dark cell (0) is masked. This is the picture attention-gym's visualize_attention_scores draws.`;
      }
      return `${grid} Colour is the score q·k/√D after score_mod (${COLOUR_WORDS[colourMap] ?? colourMap} colour map); blank cells are masked (-inf) and get no attention.`;
    case 'probs':
      return `${grid} Colour is the attention weight softmax(score) of each key for that query; each row sums to 1, and masked cells are blank.`;
    case 'mask':
      return `${grid} Yellow cells are where mask_mod(b, h, q_idx, kv_idx) is True.`;
    case 'blocks':
      return 'The BlockMask FlexAttention builds: the score grid cut into blocks. Empty blocks (grey) are skipped entirely, partial blocks (orange) are computed with the mask applied, full blocks (blue) are computed without evaluating the mask.';
    case 'output':
      return `The attention output for this batch item and head: row i is query token i, column j is value dimension j (red positive, blue negative). A query that may attend to nothing outputs 0.`;
  }
}

/** A short, plain caption: what this mask is and how to read the picture. */
export function FigureCaption({ view, colourMap, about, rows, cols }: Props) {
  return (
    <div className="caption" data-testid="figure-caption">
      {about && <p className="caption-about">{about}</p>}
      <p className="muted">{howToRead(view, colourMap, rows, cols)}</p>
    </div>
  );
}
