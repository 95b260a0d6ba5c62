// The picture kernel, from what the attention kernel wrote:
//   - probabilities: exp(score - lse) with the lse it wrote, so the picture is exactly what the
//     kernel computed. Masked cells hold -inf and get probability 0.
//   - the mask: the attention kernel writes only the cells it allows (the rest keep the -inf the
//     host filled in), so a cell that does not hold -inf is allowed. A -inf cell is masked, unless
//     an allowed score can be -inf too (a score_mod, or inputs that can overflow): then the host
//     builds the variant whose allowed_at_neg_inf asks mask_mod, and only -inf cells reach it.
//
// The host prepends `fn allowed_at_neg_inf(b: i32, h: i32, q_idx: i32, kv_idx: i32) -> bool`
// (with the program's WGSL and bind group, PROGRAM_BIND_GROUP of app/mask/types.ts, when it calls
// mask_mod) and the struct PictureParams (pp): that struct is declared once, as PICTURE_PARAMS in
// gpu/headPicture.ts, which generates it and packs the uniform from the same declaration.

@group(0) @binding(0) var<uniform> pp: PictureParams;
@group(0) @binding(1) var<storage, read> result: array<f32>;
@group(0) @binding(2) var<storage, read> picture: array<f32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;
// One byte per cell (1 = allowed), four cells to a word, each row starting on a word: the host
// reads the mask back as bytes, a quarter of what one word per cell would cost.
@group(0) @binding(4) var<storage, read_write> mask: array<u32>;

// The bits of the -inf the host fills the score picture with. Compared as bits, not as a float:
// WGSL does not promise that comparisons with infinities survive the compiler.
const NEG_INF_BITS: u32 = 0xff800000u;
const GROUP_SIZE: u32 = 64u;

// Whether the cell (r, c) is allowed, and its probability written.
fn picture_cell(r: u32, c: u32, lse: f32) -> bool {
  let cell = r * pp.cols + c;
  let score = picture[cell];
  var allowed = bitcast<u32>(score) != NEG_INF_BITS;
  if (!allowed) {
    allowed = allowed_at_neg_inf(
      i32(pp.b),
      i32(pp.h),
      i32(r * pp.row_stride),
      i32(c * pp.col_stride),
    );
  }
  var p = 0.0;
  // Finite scores only: a -inf (masked, or a score_mod's -inf) has probability 0 and never
  // reaches exp.
  if (score > -3.0e38) {
    p = exp(score - lse);
  }
  probs[cell] = p;
  return allowed;
}

// One workgroup per picture row, each invocation taking a word (four cells) at a time. A cell
// per invocation would launch a workgroup per 64 cells: on a CPU adapter the launches, not the
// arithmetic, were most of this kernel's time.
@compute @workgroup_size(GROUP_SIZE)
fn picture_probs(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  let r = group.x;
  if (r >= pp.rows) {
    return;
  }
  let lse = result[pp.lse_offset + pp.bh * pp.q_len + r * pp.row_stride];
  let row_words = (pp.cols + 3u) / 4u;
  for (var w = lane; w < row_words; w += GROUP_SIZE) {
    var word = 0u;
    for (var j = 0u; j < 4u; j++) {
      let c = 4u * w + j;
      if (c < pp.cols && picture_cell(r, c, lse)) {
        word |= 1u << (8u * j);
      }
    }
    mask[r * row_words + w] = word;
  }
}
