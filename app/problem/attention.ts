/** Query, key and value tensors in PyTorch's [B, H, S, D] layout, row-major. */
export interface AttentionInputs {
  /** [B, H, Q, D] */
  q: Float32Array;
  /** [B, HKV, KV, D] */
  k: Float32Array;
  /** [B, HKV, KV, DV] */
  v: Float32Array;
}

/** What flex attention's forward pass returns. */
export interface AttentionOutputs {
  /** [B, H, Q, DV] */
  out: Float32Array | Float64Array;
  /** [B, H, Q], natural log; -Infinity for a row with no allowed key. */
  lse: Float32Array | Float64Array;
}
