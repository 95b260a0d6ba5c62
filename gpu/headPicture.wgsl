// The probabilities of the picture: exp(score - lse) for each cell the attention kernel wrote,
// with the lse it wrote, so the picture is exactly what the kernel computed. Masked cells hold
// -inf and get probability 0.

struct ViewParams {
  q_len: u32,
  bh: u32,
  rows: u32,
  cols: u32,
  row_stride: u32,
  lse_offset: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> vp: ViewParams;
@group(0) @binding(1) var<storage, read> result: array<f32>;
@group(0) @binding(2) var<storage, read> picture: array<f32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;

@compute @workgroup_size(8, 8)
fn view_probs(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.y;
  let c = id.x;
  if (r >= vp.rows || c >= vp.cols) {
    return;
  }
  let cell = r * vp.cols + c;
  let score = picture[cell];
  var p = 0.0;
  // Finite scores only: -inf marks a masked cell (and never reaches exp).
  if (score > -3.0e38) {
    p = exp(score - result[vp.lse_offset + vp.bh * vp.q_len + r * vp.row_stride]);
  }
  probs[cell] = p;
}
