/** Share links and scenario files: the public face of app/url. */
export type { DecodeResult, LinkProblem } from './types';
export type { TighterLimits, UrlLimits } from './limits';
export { DEFAULT_URL_LIMITS, tightenLimits } from './limits';
export type { EncodeOptions } from './encode';
export { READABLE_MAX_CHARS, encodeScenario } from './encode';
export { decodeHash } from './decode';
export { migrate } from './migrate';
export type { MigrateResult } from './migrate';
export { validateScenario } from './validate';
export { scenarioFromJson, scenarioToJson } from './json';
export { CURRENT_VERSION, LINK_INPUTS, PANELS, isScenarioParam } from './schema';
export type { LinkInput, PanelName } from './schema';
