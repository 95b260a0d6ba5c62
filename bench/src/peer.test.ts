import { describe, expect, test } from 'vitest';
import { runRounds, type Contender } from './peer';

/** A fake engine that logs what the scheduler asks of it. */
function fake(name: string, log: string[], failAt: 'prepare' | number | null = null): Contender {
  let runs = 0;
  return {
    name,
    prepare: async () => {
      log.push(`${name}:prepare`);
      if (failAt === 'prepare') throw new Error(`${name} cannot start`);
    },
    run: async () => {
      runs++;
      log.push(`${name}:run`);
      if (runs === failAt) throw new Error(`${name} broke on run ${runs}`);
      return { wallMs: runs, out: Float32Array.of(runs) };
    },
    release: async () => {
      log.push(`${name}:release`);
    },
  };
}

describe('runRounds', () => {
  test('engines take turns, one run each per round, minRuns rounds when time is up', async () => {
    const log: string[] = [];
    let clock = 0;
    const outcomes = await runRounds([fake('a', log), fake('b', log)], {
      minRuns: 3,
      maxRuns: 10,
      extraRoundsWithinMs: 0,
      now: () => clock++,
    });
    expect(log.filter((l) => l.endsWith(':run'))).toEqual([
      'a:run',
      'b:run',
      'a:run',
      'b:run',
      'a:run',
      'b:run',
    ]);
    expect(outcomes.map((o) => o.samples.length)).toEqual([3, 3]);
    expect(outcomes[0].last).toEqual(Float32Array.of(3));
    expect(log.slice(-2)).toEqual(['a:release', 'b:release']);
  });

  test('each timed run starts after the pause asked for, and only timed runs wait', async () => {
    const log: string[] = [];
    await runRounds([fake('a', log), fake('b', log)], {
      minRuns: 2,
      maxRuns: 2,
      extraRoundsWithinMs: 0,
      pauseBeforeRunMs: 50,
      sleep: async (ms) => {
        log.push(`sleep ${ms}`);
      },
    });
    expect(log).toEqual([
      'a:prepare',
      'b:prepare',
      'sleep 50',
      'a:run',
      'sleep 50',
      'b:run',
      'sleep 50',
      'a:run',
      'sleep 50',
      'b:run',
      'a:release',
      'b:release',
    ]);
  });

  test('adds rounds up to maxRuns while the timed phase is short', async () => {
    const log: string[] = [];
    const outcomes = await runRounds([fake('a', log)], {
      minRuns: 3,
      maxRuns: 5,
      extraRoundsWithinMs: 1e9,
      now: () => 0,
    });
    expect(outcomes[0].samples).toHaveLength(5);
  });

  test('an engine that fails to start or breaks is reported; the others still run', async () => {
    const log: string[] = [];
    const outcomes = await runRounds(
      [fake('ok', log), fake('dead', log, 'prepare'), fake('flaky', log, 2)],
      { minRuns: 3, maxRuns: 3, extraRoundsWithinMs: 0 },
    );
    const [ok, dead, flaky] = outcomes;
    expect(ok.error).toBeUndefined();
    expect(ok.samples).toHaveLength(3);
    expect(dead.error).toMatch(/cannot start/);
    expect(dead.samples).toHaveLength(0);
    expect(flaky.error).toMatch(/broke on run 2/);
    expect(log.filter((l) => l === 'flaky:run')).toHaveLength(2);
    expect(log.filter((l) => l.endsWith(':release'))).toHaveLength(3);
  });

  test('the threads and SIMD an engine reports after prepare() are kept', async () => {
    const log: string[] = [];
    const threaded: Contender = {
      ...fake('cpu', log),
      setup: () => ({ threads: 4, simd: 'SIMD128' }),
    };
    const [plain, cpu] = await runRounds([fake('gpu', log), threaded], {
      minRuns: 3,
      maxRuns: 3,
      extraRoundsWithinMs: 0,
    });
    expect(plain.setup).toBeUndefined();
    expect(cpu.setup).toEqual({ threads: 4, simd: 'SIMD128' });
  });
});
