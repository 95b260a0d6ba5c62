/**
 * Embed mode for course pages: `#...&embed=1&panel=explain|walkthrough` shows only the picture and
 * one teaching panel. Optional keys choose what it opens on: `preset=<id>` (at its example size),
 * `block=<n>` (square block size), `q=<i>&kv=<j>` (the explained cell), `row=<i>` (the followed
 * row of the walkthrough). Read here, from location.hash, so it works before share links carry it.
 */

export type TeachingPanelName = 'explain' | 'walkthrough';

export interface TeachingEmbed {
  panel: TeachingPanelName;
  preset: string | null;
  block: number | null;
  q: number | null;
  kv: number | null;
  row: number | null;
}

function whole(text: string | null, max: number): number | null {
  if (text === null || !/^\d{1,7}$/.test(text)) return null;
  const n = Number(text);
  return n <= max ? n : null;
}

/** The teaching embed a hash asks for, or null when it asks for none. */
export function teachingEmbedFromHash(hash: string): TeachingEmbed | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (params.get('embed') !== '1') return null;
  const panel = params.get('panel');
  if (panel !== 'explain' && panel !== 'walkthrough') return null;
  const preset = params.get('preset');
  return {
    panel,
    preset: preset && /^[a-z0-9_]{1,64}$/.test(preset) ? preset : null,
    block: whole(params.get('block'), 256),
    q: whole(params.get('q'), 1 << 20),
    kv: whole(params.get('kv'), 1 << 20),
    row: whole(params.get('row'), 1 << 20),
  };
}
