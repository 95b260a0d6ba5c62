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

describe('the teaching embed keys', () => {
  it('reads the panel and the optional keys', async () => {
    const walk = await decodeHash('#v=1&Q=20&embed=1&panel=walkthrough&row=6&block=4');
    expect(walk).toMatchObject({ embed: true, panel: 'walkthrough', problems: [] });
    expect(walk.scenario.Q).toBe(20);
    expect(walk.teaching).toEqual({ preset: null, block: 4, q: null, kv: null, row: 6 });
    const explain = await decodeHash('#embed=1&panel=explain&preset=causal&q=3&kv=1');
    expect(explain.panel).toBe('explain');
    expect(explain.teaching).toMatchObject({ preset: 'causal', q: 3, kv: 1 });
  });

  it('asks for no teaching embed without embed=1 and a known panel', async () => {
    expect((await decodeHash('#panel=explain')).teaching).toBeUndefined();
    expect((await decodeHash('#embed=1')).teaching).toBeUndefined();
    expect((await decodeHash('#embed=1&panel=code')).teaching).toBeUndefined();
    expect((await decodeHash('#embed=1&panel=explain')).teaching).toEqual({
      preset: null,
      block: null,
      q: null,
      kv: null,
      row: null,
    });
  });

  it('drops bad values, naming each as a problem', async () => {
    const decoded = await decodeHash(
      '#embed=1&panel=explain&q=-1&kv=1e3&block=999&preset=<b>&row=1048577',
    );
    expect(decoded.teaching).toEqual({ preset: null, block: null, q: null, kv: null, row: null });
    expect(decoded.problems.map((p) => p.field)).toEqual(['preset', 'block', 'q', 'kv', 'row']);
    expect(decoded.problems.map((p) => p.message)).toContain(
      'block=999 in the link: block must be a whole number from 1 to 256',
    );
    expect(decoded.scenario).toEqual(DEFAULT_SCENARIO);
  });

  it('reads the largest values it allows, and block from 1', async () => {
    const edge = await decodeHash('#embed=1&panel=walkthrough&block=256&row=1048576&q=0');
    expect(edge.problems).toEqual([]);
    expect(edge.teaching).toMatchObject({ block: 256, row: 1048576, q: 0 });
    const zero = await decodeHash('#embed=1&panel=walkthrough&block=0');
    expect(zero.teaching?.block).toBeNull();
    expect(zero.problems.map((p) => p.field)).toEqual(['block']);
  });

  it('reads them beside z= in a compressed link', async () => {
    const long = await encodeScenario(LONG);
    const decoded = await decodeHash(`${long}&embed=1&panel=walkthrough&row=3&preset=causal`);
    expect(decoded.problems).toEqual([]);
    expect(decoded.teaching).toMatchObject({ row: 3, preset: 'causal' });
    expect(decoded.scenario).toEqual(LONG);
  });
});
