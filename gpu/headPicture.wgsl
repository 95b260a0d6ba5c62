// The probabilities of the picture: exp(score - lse) for each cell the attention kernel wrote,
// with the lse it wrote, so the picture is exactly what the kernel computed. Masked cells hold
// -inf and get probability 0.

// PictureParams (pp) is declared once, as PICTURE_PARAMS in gpu/headPicture.ts, which generates
// the struct the host prepends here and packs the uniform from the same declaration.

@group(0) @binding(0) var<uniform> pp: PictureParams;
@group(0) @binding(1) var<storage, read> result: array<f32>;
@group(0) @binding(2) var<storage, read> picture: array<f32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;

@compute @workgroup_size(8, 8)
fn picture_probs(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.y;
  let c = id.x;
  if (r >= pp.rows || c >= pp.cols) {
    return;
  }
  let cell = r * pp.cols + c;
  let score = picture[cell];
  var p = 0.0;
  // Finite scores only: -inf marks a masked cell (and never reaches exp).
  if (score > -3.0e38) {
    p = exp(score - result[pp.lse_offset + pp.bh * pp.q_len + r * pp.row_stride]);
  }
  probs[cell] = p;
}
