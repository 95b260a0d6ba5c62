/**
 * The problem itself: the scenario, the attention shape and its limits, the BlockMask and the
 * picture. A leaf: it imports nothing else of the app, and everything else may import it.
 */
export * from './attention';
export * from './blockMask';
export * from './picture';
export * from './scenario';
export * from './shape';
