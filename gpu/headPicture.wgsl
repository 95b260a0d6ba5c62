// The picture kernel: the probability of each cell the picture holds, exp(score - lse) with the
// lse the attention kernel wrote, so the picture is exactly what the kernel computed. The cells
// are block-sparse (gpu/pictureLayout.ts): the attention kernel wrote the score bits of each
// cell of a visited block, PICTURE_MASKED where the mask disallows it; masked cells (and -inf
// scores) get probability 0. The mask itself needs no kernel: it is which cells are not
// PICTURE_MASKED, read on the host.
//
// The host prepends the struct PictureParams (pp): declared once, as PICTURE_PARAMS in
// gpu/headPicture.ts, which generates it and packs the uniform from the same declaration.

@group(0) @binding(0) var<uniform> pp: PictureParams;
@group(0) @binding(1) var<storage, read> result: array<f32>;
// The layout's header (two words per query block), then the cells' score bits.
@group(0) @binding(2) var<storage, read> picture: array<u32>;
// One probability per held cell, in the cells' order.
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;

const PICTURE_MASKED: u32 = 0xffffffffu;
const GROUP_SIZE: u32 = 64u;

// One workgroup per picture row: on a CPU adapter the launches, not the exp, were most of a
// finer-grained kernel's time.
@compute @workgroup_size(GROUP_SIZE)
fn picture_probs(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  let r = group.x;
  if (r >= pp.rows) {
    return;
  }
  let q_idx = r * pp.row_stride;
  let q_block = q_idx / pp.block_q;
  let first_row = (q_block * pp.block_q + pp.row_stride - 1u) / pp.row_stride;
  let row_cells = picture[2u * q_block + 1u];
  let row_at = picture[2u * q_block] + (r - first_row) * row_cells;
  let cells_at = 2u * pp.n_q;
  let lse = result[pp.lse_offset + pp.bh * pp.q_len + q_idx];
  for (var c = lane; c < row_cells; c += GROUP_SIZE) {
    let bits = picture[cells_at + row_at + c];
    let score = bitcast<f32>(bits);
    var p = 0.0;
    // Allowed, finite scores only: masked cells and -inf scores have probability 0 and never
    // reach exp.
    if (bits != PICTURE_MASKED && score > -3.0e38) {
      p = exp(score - lse);
    }
    probs[row_at + c] = p;
  }
}
