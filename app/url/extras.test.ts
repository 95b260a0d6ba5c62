/** The link's extras beside the scenario: uploaded=, embed=, panel= and the teaching embed keys. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from '../problem';
import { decodeHash } from './decode';
import { encodeScenario } from './encode';

const LONG = { ...DEFAULT_SCENARIO, code: 'a = 1\n'.repeat(400) };

describe('uploaded=', () => {
  it('is written in q, k, v order after the scenario, in both forms, and read back', async () => {
    const short = await encodeScenario({ ...DEFAULT_SCENARIO, Q: 20 }, { uploaded: ['v', 'q'] });
    expect(short).toBe('#v=1&Q=20&uploaded=q,v');
    const long = await encodeScenario(LONG, { uploaded: ['k'], embed: true });
    expect(long).toMatch(/^#v=1&z=[A-Za-z0-9_-]+&uploaded=k&embed=1$/);
    expect((await decodeHash(short)).uploaded).toEqual(['q', 'v']);
    const decoded = await decodeHash(long);
    expect(decoded.problems).toEqual([]);
    expect(decoded.uploaded).toEqual(['k']);
    expect(decoded.scenario).toEqual(LONG);
  });

  it('is left out when nothing was uploaded', async () => {
    expect(await encodeScenario(DEFAULT_SCENARIO, { uploaded: [] })).toBe('#v=1');
    expect((await decodeHash('#v=1')).uploaded).toEqual([]);
  });

  it.each(['x', 'q,q', 'q,,k', 'Q', 'q;k', 'q,k,v,w'])(
    'refuses uploaded=%s with a problem, and no inputs',
    async (value) => {
      const { uploaded, problems, scenario } = await decodeHash(`#v=1&Q=16&uploaded=${value}`);
      expect(uploaded).toEqual([]);
      expect(problems.map((p) => p.field)).toEqual(['uploaded']);
      expect(scenario.Q).toBe(16);
    },
  );
});

describe('embed and panel', () => {
  it('writes panel only with embed, and reads it back', async () => {
    const hash = await encodeScenario(DEFAULT_SCENARIO, { embed: true, panel: 'walkthrough' });
    expect(hash).toBe('#v=1&embed=1&panel=walkthrough');
    expect(await encodeScenario(DEFAULT_SCENARIO, { panel: 'explain' })).toBe('#v=1');
    const decoded = await decodeHash(hash);
    expect(decoded).toMatchObject({ embed: true, panel: 'walkthrough', problems: [] });
  });

  it('names a panel it does not know', async () => {
    const { panel, problems } = await decodeHash('#v=1&embed=1&panel=teapot');
    expect(panel).toBeNull();
    expect(problems.map((p) => p.message)).toEqual([
      'panel=teapot in the link: panel must be one of explain, walkthrough',
    ]);
  });

  it("accepts the teaching embed's keys with embed=1, and calls them unknown without", async () => {
    const keys = 'preset=causal&block=4&q=3&kv=1&row=2';
    const embedded = await decodeHash(`#v=1&embed=1&panel=explain&${keys}`);
    expect(embedded.problems).toEqual([]);
    expect(embedded.scenario).toEqual(DEFAULT_SCENARIO);
    const plain = await decodeHash(`#v=1&${keys}`);
    expect(plain.problems.map((p) => p.field)).toEqual(['link']);
    expect(plain.problems[0].message).toContain('preset');
  });

  it('keeps extras beside z= in a compressed link', async () => {
    const long = await encodeScenario(LONG);
    const decoded = await decodeHash(`${long}&embed=1&panel=explain&row=3`);
    expect(decoded.problems).toEqual([]);
    expect(decoded).toMatchObject({ embed: true, panel: 'explain', scenario: LONG });
    const stray = await decodeHash(`${long}&row=3`);
    expect(stray.problems.map((p) => p.field)).toEqual(['link']);
  });
});
