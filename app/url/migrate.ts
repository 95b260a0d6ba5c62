/**
 * Step 3 of decoding: bring the parameters of an older schema up to the current one. Only v=1
 * exists, so this passes v=1 through and refuses anything else with a sentence saying why; a
 * future v=2 adds its case here (rename keys, convert units) and keeps v=1 links loading.
 *
 * A link without `v` is read as v=1: the app always writes `v`, so a link without one was typed
 * by hand against the first schema (`#Q=64&KV=64`), and every later schema writes its own `v`.
 */
import type { LinkProblem } from './types';
import { CURRENT_VERSION, quoteForMessage } from './schema';

export type MigrateResult<T> =
  { ok: true; params: Map<string, T> } | { ok: false; problem: LinkProblem };

export function migrate<T>(
  params: Map<string, T>,
  version: string,
  source: 'link' | 'file' = 'link',
): MigrateResult<T> {
  if (version === CURRENT_VERSION) return { ok: true, params };
  if (!/^[0-9]{1,9}$/.test(version)) {
    return {
      ok: false,
      problem: {
        field: 'v',
        message: `v=${quoteForMessage(version)} in the ${source}: the schema version must be a whole number such as ${CURRENT_VERSION}`,
      },
    };
  }
  return {
    ok: false,
    problem: {
      field: 'v',
      message: `This ${source} uses schema v=${version}, which this version of flexmask does not know. It may come from a newer flexmask; open it there, or ask for a ${source} made with v=${CURRENT_VERSION}.`,
    },
  };
}
