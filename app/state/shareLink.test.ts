import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Tensor } from '../tensors/tensor';
import { scenarioToJson } from '../url';
import { DEFAULT_CODE, DEFAULT_SCENARIO, type ShapeKey } from '../problem';
import {
  iframeSnippet,
  openScenarioFile,
  problemSentence,
  startShareLink,
  type ShareLinkEnv,
} from './shareLink';
import { createPlaygroundStore, setCode, setShape, setUpload, setView } from './store';

/** An address bar in memory: records every replace, and lets a test "paste" a new hash. */
function fakeEnv(start: string) {
  let hash = start;
  const replaced: string[] = [];
  const listeners = new Set<() => void>();
  const env: ShareLinkEnv = {
    readHash: () => hash,
    replaceHash: (next) => {
      hash = next;
      replaced.push(next);
    },
    onHashChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const paste = (next: string) => {
    hash = next;
    for (const listener of listeners) listener();
  };
  return { env, replaced, paste, current: () => hash };
}

/** Lets the debounce timer fire and the async encode settle. */
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(1000);
}

const fakeTensor = {} as unknown as Tensor;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startShareLink: opening', () => {
  it('opens the start hash: its scenario, its extras, and no rewrite of the address bar', async () => {
    const store = createPlaygroundStore();
    const initial = store.getState();
    const bar = fakeEnv('#v=1&Q=64&view=mask&uploaded=k&embed=1');
    const link = await startShareLink({ env: bar.env }, store);
    const state = store.getState();
    expect(state.scenario).toEqual({ ...DEFAULT_SCENARIO, Q: 64, view: 'mask' });
    expect(state.embed).toBe(true);
    expect(state.linkUploaded).toEqual(['k']);
    expect(state.linkProblems).toEqual([]);
    // Opened: the banner's problems are the link's own (empty) list, not the initial one.
    expect(state.linkProblems).not.toBe(initial.linkProblems);
    await settle();
    expect(bar.replaced).toEqual([]);
    link.stop();
  });

  it('opens a broken link on the default for the broken part, and names it', async () => {
    const store = createPlaygroundStore();
    const link = await startShareLink({ env: fakeEnv('#v=1&Q=-5&KV=20').env }, store);
    const state = store.getState();
    expect(state.scenario).toEqual({ ...DEFAULT_SCENARIO, KV: 20 });
    expect(state.linkProblems.map((p) => p.field)).toEqual(['Q']);
    expect(problemSentence(state.linkProblems[0])).toMatch(
      /^Q=-5 in the link: .*\. Opened with the default Q instead\.$/,
    );
    link.stop();
  });

  it('leaves the store alone when the page opens without a hash', async () => {
    const store = createPlaygroundStore();
    const before = store.getState();
    const link = await startShareLink({ env: fakeEnv('').env }, store);
    expect(store.getState().scenario).toBe(before.scenario);
    // Nothing was opened: the state is the very same object, its banner untouched.
    expect(store.getState()).toBe(before);
    link.stop();
  });
});

describe('startShareLink: writing', () => {
  it('writes the hash once per burst of edits, after the quiet time, by replacing', async () => {
    const store = createPlaygroundStore();
    const bar = fakeEnv('');
    const link = await startShareLink({ env: bar.env, writeDelayMs: 300 }, store);
    setShape({ Q: 20 }, store);
    setShape({ Q: 30 }, store);
    setView('probs', store);
    await vi.advanceTimersByTimeAsync(200);
    expect(bar.replaced).toEqual([]);
    await settle();
    expect(bar.replaced).toEqual(['#v=1&Q=30&view=probs']);
    link.stop();
  });

  it('names uploaded inputs in the link, which stands in random ones for them', async () => {
    const store = createPlaygroundStore();
    const bar = fakeEnv('');
    const link = await startShareLink({ env: bar.env }, store);
    setUpload('v', { fileName: 'v.npy', tensor: fakeTensor, layout: 'auto' }, store);
    setUpload('q', { fileName: 'q.npy', tensor: fakeTensor, layout: 'auto' }, store);
    await settle();
    expect(bar.current()).toBe('#v=1&uploaded=q,v');
    setUpload('q', null, store);
    setUpload('v', null, store);
    await settle();
    expect(bar.current()).toBe('#v=1');
    link.stop();
  });

  it('never writes while the page is an embed', async () => {
    const store = createPlaygroundStore();
    const bar = fakeEnv('#v=1&Q=12&embed=1');
    const link = await startShareLink({ env: bar.env }, store);
    setShape({ Q: 13 }, store);
    await settle();
    expect(bar.replaced).toEqual([]);
    link.stop();
  });

  it('stops writing when stopped', async () => {
    const store = createPlaygroundStore();
    const bar = fakeEnv('');
    const link = await startShareLink({ env: bar.env }, store);
    setShape({ Q: 20 }, store);
    link.stop();
    await settle();
    expect(bar.replaced).toEqual([]);
  });
});

describe('startShareLink: a pasted hash', () => {
  it('opens a hash the user pastes, and ignores the echo of its own write', async () => {
    const store = createPlaygroundStore();
    const bar = fakeEnv('');
    const link = await startShareLink({ env: bar.env }, store);
    setCode('mask_mod = noop_mask\n', store);
    await settle();
    expect(bar.replaced).toHaveLength(1);
    const beforeEcho = store.getState();
    bar.paste(bar.current());
    await settle();
    // The echo opens nothing: not even the banner's problems are replaced.
    expect(store.getState()).toBe(beforeEcho);

    bar.paste('#v=1&Q=48&bq=16');
    await settle();
    const state = store.getState();
    expect(state.linkProblems).not.toBe(beforeEcho.linkProblems);
    expect(state.scenario).toEqual({ ...DEFAULT_SCENARIO, Q: 48, blockQ: 16 });
    // Opening is not an edit: the pasted link stays as it was written.
    expect(bar.replaced).toHaveLength(1);
    expect(bar.current()).toBe('#v=1&Q=48&bq=16');
    link.stop();
  });

  it('lets a pasted link win over an edit still waiting to be written', async () => {
    const store = createPlaygroundStore();
    const bar = fakeEnv('');
    const link = await startShareLink({ env: bar.env }, store);
    setShape({ Q: 99 }, store);
    bar.paste('#v=1&KV=7');
    await settle();
    expect(store.getState().scenario).toEqual({ ...DEFAULT_SCENARIO, KV: 7 });
    expect(bar.current()).toBe('#v=1&KV=7');
    expect(bar.replaced).toEqual([]);
    link.stop();
  });
});

describe('startShareLink: device limits', () => {
  it('re-checks the opening link against the device once it is known', async () => {
    const store = createPlaygroundStore();
    const deviceLimits = Promise.resolve({ Q: 2048, KV: 2048 });
    const bar = fakeEnv('#v=1&Q=4096&KV=64');
    const link = await startShareLink({ env: bar.env, deviceLimits }, store);
    await link.deviceChecked;
    const state = store.getState();
    expect(state.scenario).toEqual({ ...DEFAULT_SCENARIO, KV: 64 });
    expect(state.linkProblems.map((p) => p.message)).toEqual([
      'Q=4096 in the link: Q must be a whole number from 1 to 2048',
    ]);
    // Later links are checked against the device's limits too.
    bar.paste('#v=1&KV=3000');
    await settle();
    expect(store.getState().scenario.KV).toBe(DEFAULT_SCENARIO.KV);
    link.stop();
  });

  it('does not undo an edit the user made before the device answered', async () => {
    const store = createPlaygroundStore();
    let answer: (limits: Partial<Record<ShapeKey, number>>) => void = () => undefined;
    const deviceLimits = new Promise<Partial<Record<ShapeKey, number>>>(
      (resolve) => (answer = resolve),
    );
    const link = await startShareLink({ env: fakeEnv('#v=1&Q=4096').env, deviceLimits }, store);
    setShape({ KV: 33 }, store);
    answer({ Q: 2048, KV: 2048 });
    await link.deviceChecked;
    expect(store.getState().scenario).toEqual({ ...DEFAULT_SCENARIO, Q: 4096, KV: 33 });
    expect(store.getState().linkProblems).toEqual([]);
    link.stop();
  });
});

describe('scenario files', () => {
  it('opens a file the app wrote', () => {
    const store = createPlaygroundStore();
    const initial = store.getState();
    const scenario = { ...DEFAULT_SCENARIO, Q: 40, seed: 7, view: 'blocks' as const };
    expect(openScenarioFile(scenarioToJson(scenario), store)).toEqual([]);
    expect(store.getState().scenario).toEqual(scenario);
    // Opened like a link: the banner now holds the file's (empty) list of problems.
    expect(store.getState().linkProblems).toEqual([]);
    expect(store.getState().linkProblems).not.toBe(initial.linkProblems);
  });

  it('opens nothing from a broken file, and says what is wrong', () => {
    const store = createPlaygroundStore();
    setCode('mask_mod = noop_mask\n', store);
    const before = store.getState().scenario;
    const problems = openScenarioFile('{"v": 1, "Q": "64", "code": 5}', store);
    expect(problems.map((p) => p.field).sort()).toEqual(['Q', 'code']);
    expect(store.getState().scenario).toBe(before);
    expect(openScenarioFile('not json', store).map((p) => p.field)).toEqual(['file']);
    expect(store.getState().scenario.code).not.toBe(DEFAULT_CODE);
  });
});

describe('texts', () => {
  it('says what the page did about each kind of problem', () => {
    expect(problemSentence({ field: 'Q', message: 'Q=-5 in the link: Q must be 1 to 9' })).toBe(
      'Q=-5 in the link: Q must be 1 to 9. Opened with the default Q instead.',
    );
    expect(problemSentence({ field: 'v', message: 'This link uses schema v=7.' })).toBe(
      'This link uses schema v=7. Opened the default scenario instead.',
    );
    expect(
      problemSentence({ field: 'link', message: 'Unknown parameter in the link, ignored: foo' }),
    ).toBe('Unknown parameter in the link, ignored: foo.');
    expect(problemSentence({ field: 'embed', message: 'embed must be 1 or 0' })).toBe(
      'embed must be 1 or 0. Ignored.',
    );
  });

  it('writes the iframe snippet with the link escaped for a double-quoted attribute', () => {
    const snippet = iframeSnippet('https://x.test/#v=1&code=a%22"<b>&embed=1', 720, 560);
    expect(snippet).toBe(
      '<iframe src="https://x.test/#v=1&amp;code=a%22&quot;&lt;b&gt;&amp;embed=1" width="720" ' +
        'height="560" title="flexmask figure" loading="lazy" style="border: 0"></iframe>',
    );
  });
});
