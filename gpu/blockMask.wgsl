// BlockMask construction (docs/blockmask.md, "From mask_mod to blocks" and "The fields"), in three
// entry points that share one module:
//   classify:  one workgroup per (kv block, q block, mask b*h): evaluates mask_mod on the block's
//              elements and writes 0 (empty), 1 (partial) or 2 (full).
//   kv_layout: one invocation per row (b, h, q block): counts and index lists of the kv side.
//   q_layout:  one invocation per column (b, h, kv block): the q-side transposes.
// (The mask picture is not drawn here: the picture kernel reads it from the attention kernel's
// scores, gpu/headPicture.wgsl.)
// The program's mask_mod, mask_mod_bounds and bindings (its bind group, PROGRAM_BIND_GROUP of
// app/mask/types.ts) are prepended by the host, with fm_subgroup_any (subgroupAny where the device
// has the `subgroups` feature, else the identity) and the struct BlockMaskParams.

// BlockMaskParams (bp) is declared once, as BLOCK_MASK_PARAMS in gpu/blockMask.ts, which generates
// the struct prepended here and packs the uniform from the same declaration.

const EMPTY: u32 = 0u;
const PARTIAL: u32 = 1u;
const FULL: u32 = 2u;
const CLASSIFY_THREADS: u32 = 64u;

@group(0) @binding(0) var<uniform> bp: BlockMaskParams;
@group(0) @binding(1) var<storage, read_write> classes: array<u32>;
@group(0) @binding(2) var<storage, read_write> lists: array<i32>;

const UNKNOWN: u32 = 2u;

var<workgroup> proven: u32;
var<workgroup> saw_true: atomic<u32>;
var<workgroup> saw_false: atomic<u32>;

@compute @workgroup_size(64)
fn classify(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let kv_block = wg.x;
  let q_block = wg.y;
  let bh = wg.z;
  let b = i32(bh / bp.mask_h);
  let h = i32(bh % bp.mask_h);
  let q0 = q_block * bp.block_q;
  let kv0 = kv_block * bp.block_kv;
  let rows = min(bp.block_q, bp.q_len - q0);
  let cols = min(bp.block_kv, bp.kv_len - kv0);
  // Padding past Q_LEN / KV_LEN counts as False, so an edge block is never full.
  let padded = rows < bp.block_q || cols < bp.block_kv;
  let at = (bh * bp.n_q + q_block) * bp.n_kv + kv_block;

  // First ask the compiler's interval analysis: when it proves the mask constant over the whole
  // block, no element needs evaluating. It only answers when certain (else UNKNOWN).
  if (lid == 0u) {
    proven = mask_mod_bounds(b, h, i32(q0), i32(q0 + rows - 1u), i32(kv0), i32(kv0 + cols - 1u));
    atomicStore(&saw_true, 0u);
    atomicStore(&saw_false, 0u);
  }
  let known = workgroupUniformLoad(&proven);
  if (known != UNKNOWN) {
    if (lid == 0u) {
      classes[at] = select(EMPTY, select(FULL, PARTIAL, padded), known == 1u);
    }
    return;
  }

  var any_true = false;
  var any_false = padded;
  // Each invocation owns whole lines of the block (rows when it is at least as tall as wide,
  // else columns) and walks along them without a division per element. Loop bounds are the same
  // for every invocation, so the subgroup operations below stay in uniform control flow.
  let by_rows = rows >= cols;
  let lines = select(cols, rows, by_rows);
  let length = select(rows, cols, by_rows);
  for (var first = 0u; first < lines; first += CLASSIFY_THREADS) {
    let line = first + lid;
    for (var i = 0u; i < length; i++) {
      // Seeing both a True and a False is enough to call the block partial: stop evaluating.
      if (line < lines && !(any_true && any_false)) {
        let q = select(q0 + i, q0 + line, by_rows);
        let kv = select(kv0 + line, kv0 + i, by_rows);
        let allowed = mask_mod(b, h, i32(q), i32(kv));
        any_true = any_true || allowed;
        any_false = any_false || !allowed;
      }
      // With subgroups, an invocation also stops once its subgroup has seen both between them
      // (say one lane's row is all True and another's all False); without, this is a no-op.
      let some_true = fm_subgroup_any(any_true);
      let some_false = fm_subgroup_any(any_false);
      any_true = any_true || (some_true && some_false);
      any_false = any_false || (some_true && some_false);
    }
  }
  if (any_true) {
    atomicOr(&saw_true, 1u);
  }
  if (any_false) {
    atomicOr(&saw_false, 1u);
  }
  workgroupBarrier();
  if (lid == 0u) {
    let t = atomicLoad(&saw_true);
    let f = atomicLoad(&saw_false);
    var kind = EMPTY;
    if (t != 0u && f == 0u) {
      kind = FULL;
    } else if (t != 0u) {
      kind = PARTIAL;
    }
    classes[at] = kind;
  }
}

// Writes one row of counts and indices: the blocks of `kind` first, ascending, then the others,
// ascending (a stable descending sort of the 0/1 flags, as PyTorch does).
fn write_row(kind: u32, first_class: u32, stride: u32, n: u32, num_at: u32, idx_at: u32) {
  var present = 0u;
  for (var j = 0u; j < n; j++) {
    if (classes[first_class + j * stride] == kind) {
      present++;
    }
  }
  lists[num_at] = i32(present);
  var before = 0u;
  var after = present;
  for (var j = 0u; j < n; j++) {
    if (classes[first_class + j * stride] == kind) {
      lists[idx_at + before] = i32(j);
      before++;
    } else {
      lists[idx_at + after] = i32(j);
      after++;
    }
  }
}

@compute @workgroup_size(64)
fn kv_layout(@builtin(global_invocation_id) id: vec3<u32>) {
  let row = id.x; // (b * mask_h + h) * n_q + q_block
  if (row >= bp.mask_b * bp.mask_h * bp.n_q) {
    return;
  }
  let first = row * bp.n_kv;
  write_row(PARTIAL, first, 1u, bp.n_kv, bp.off_kv_num + row, bp.off_kv_idx + row * bp.n_kv);
  write_row(FULL, first, 1u, bp.n_kv, bp.off_full_kv_num + row, bp.off_full_kv_idx + row * bp.n_kv);
}

@compute @workgroup_size(64)
fn q_layout(@builtin(global_invocation_id) id: vec3<u32>) {
  let col = id.x; // (b * mask_h + h) * n_kv + kv_block
  if (col >= bp.mask_b * bp.mask_h * bp.n_kv) {
    return;
  }
  let bh = col / bp.n_kv;
  let kv_block = col % bp.n_kv;
  let first = bh * bp.n_q * bp.n_kv + kv_block;
  write_row(PARTIAL, first, bp.n_kv, bp.n_q, bp.off_q_num + col, bp.off_q_idx + col * bp.n_q);
  write_row(FULL, first, bp.n_kv, bp.n_q, bp.off_full_q_num + col, bp.off_full_q_idx + col * bp.n_q);
}
