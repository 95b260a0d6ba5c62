/**
 * Limits that keep every compile fast and bounded: any input past one gives a LimitError within
 * milliseconds instead of a hang or a stack overflow.
 */
export interface CompileLimits {
  /** Program text, in UTF-16 code units. */
  maxSourceLength: number;
  /** Open brackets, indentation levels and parser recursion. */
  maxNesting: number;
  /** Height of one expression tree as written (long `a + b + c ...` chains). */
  maxExpressionHeight: number;
  /** Elements of one lookup tensor. */
  maxTensorElements: number;
  /** Expression nodes created while tracing one program. */
  maxInlinedNodes: number;
  /** Characters of WGSL (program plus bounds) one program may become. */
  maxWgslChars: number;
}

export const DEFAULT_LIMITS: CompileLimits = {
  maxSourceLength: 100 * 1024,
  maxNesting: 64,
  maxExpressionHeight: 400,
  maxTensorElements: 65536,
  maxInlinedNodes: 200_000,
  maxWgslChars: 1_000_000,
};
