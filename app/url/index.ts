/** Share links and scenario files: the public face of app/url. */
export type { DecodeResult, LinkProblem, TeachingEmbedKeys } from './types';
export type { UrlLimits } from './limits';
export { DEFAULT_URL_LIMITS, tightenLimits } from './limits';
export { encodeScenario } from './encode';
export { decodeHash } from './decode';
export { scenarioFromJson, scenarioToJson } from './json';
export { LINK_INPUTS, isScenarioParam } from './schema';
export type { LinkInput, PanelName } from './schema';
