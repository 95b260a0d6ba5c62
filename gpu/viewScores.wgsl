// The picture of one (b, h): score after score_mod (-inf where masked) and the probability
// exp(score - lse), read from the lse the attention kernel wrote. One invocation per cell; the
// cells sample every row_stride-th query and col_stride-th key when the sequence is long.
// The host prepends the program's WGSL and HEAD_DIM.

struct ViewParams {
  heads: u32,
  kv_heads: u32,
  q_len: u32,
  kv_len: u32,
  b: u32,
  h: u32,
  rows: u32,
  cols: u32,
  row_stride: u32,
  col_stride: u32,
  lse_offset: u32,
  scale: f32,
  // The bits of -inf, passed at run time: a constant -inf does not compile in WGSL.
  neg_inf_bits: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> vp: ViewParams;
@group(0) @binding(1) var<storage, read> q_in: array<f32>;
@group(0) @binding(2) var<storage, read> k_in: array<f32>;
@group(0) @binding(3) var<storage, read> result: array<f32>;
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;
@group(0) @binding(5) var<storage, read_write> probs: array<f32>;

@compute @workgroup_size(8, 8)
fn view_scores(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.y;
  let c = id.x;
  if (r >= vp.rows || c >= vp.cols) {
    return;
  }
  let qi = r * vp.row_stride;
  let kv = c * vp.col_stride;
  let kv_head = vp.h / (vp.heads / vp.kv_heads);
  let q_at = ((vp.b * vp.heads + vp.h) * vp.q_len + qi) * HEAD_DIM;
  let k_at = ((vp.b * vp.kv_heads + kv_head) * vp.kv_len + kv) * HEAD_DIM;
  var qk = 0.0;
  for (var d = 0u; d < HEAD_DIM; d++) {
    qk += q_in[q_at + d] * k_in[k_at + d];
  }
  let b = i32(vp.b);
  let h = i32(vp.h);
  let s = score_mod(qk * vp.scale, b, h, i32(qi), i32(kv));
  let cell = r * vp.cols + c;
  if (mask_mod(b, h, i32(qi), i32(kv))) {
    scores[cell] = s;
    probs[cell] = exp(s - result[vp.lse_offset + (vp.b * vp.heads + vp.h) * vp.q_len + qi]);
  } else {
    scores[cell] = bitcast<f32>(vp.neg_inf_bits);
    probs[cell] = 0.0;
  }
}
