/**
 * Browser storage to start a page with: which engine it runs (app/engine/engineChoice.ts). On
 * this machine's software adapter the page's automatic choice calibrates and usually picks the CPU
 * engine; tests of the GPU path in the page force the GPU engine as a user does, by the choice
 * kept in localStorage. Specs that test what a first visit gets start from empty storage.
 */
export const FIRST_VISIT = { cookies: [], origins: [] };

export function engineChosen(origin: string, engine: 'gpu' | 'cpu') {
  return {
    cookies: [],
    origins: [{ origin, localStorage: [{ name: 'flexmask.engine', value: engine }] }],
  };
}
