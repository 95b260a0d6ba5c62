// Block-sparse flex attention forward (docs/blockmask.md, "The attention forward pass"),
// FlashAttention style, in f32.
//
// One workgroup computes TQ query rows of one query block for one (b, h), with WG = TQ / RQ
// invocations: each invocation owns RQ query rows (row r of invocation `lane` is query
// q_first + r * WG + lane), their q vectors and output accumulators in registers. For the query
// block the workgroup walks the partial blocks (score_mod, then mask_mod) and then the full blocks
// (score_mod only), as the BlockMask lists them; empty blocks are never touched. Each kv block is
// consumed in chunks of TK keys that the workgroup stages in workgroup memory as vec4s; each
// invocation then computes its RQ x TK tile of scores, so every staged K and V vec4 it reads
// feeds RQ rows (on SwiftShader, RQ = 4 made the kernel about 3x faster than v5; bench/NOTES.md,
// v6). The softmax is the online one (running max m, running sum l, rescaled accumulator),
// updated once per chunk.
//
// The host unrolls every loop written `for (var x = 0u; x < N; x++)` with N one of D4, DV4 or RQ
// (unrollLoops in gpu/flexAttention.ts), so that every index into q_reg and acc is a constant
// (registers, not indexed private memory) and each K or V vec4 read serves RQ rows. Unrolled
// bodies hold no braces inside comments and declare nothing that outlives one iteration.
//
// For the (b, h) on screen the kernel also writes into the picture (sampled every
// picture_row_stride-th query and picture_col_stride-th key) each cell of the blocks it visits:
// the score it computed where the mask allows, PICTURE_MASKED where it does not. The picture is
// block-sparse (gpu/pictureLayout.ts): skipped blocks, all masked, have no cells.
//
// The host prepends the program's WGSL (mask_mod, score_mod and its bindings in the program's bind
// group, PROGRAM_BIND_GROUP of app/mask/types.ts), the constants TQ, RQ, WG, TK, D4 (= ceil(D /
// 4)), DV4, HEAD_DIM, VALUE_DIM and DEBUG_COUNTS, and the struct AttentionParams: that struct is
// declared once, as ATTENTION_PARAMS in gpu/flexAttention.ts, which also packs the uniform from it.

@group(0) @binding(0) var<uniform> ap: AttentionParams;
@group(0) @binding(1) var<storage, read> q_in: array<f32>;
@group(0) @binding(2) var<storage, read> k_in: array<f32>;
@group(0) @binding(3) var<storage, read> v_in: array<f32>;
@group(0) @binding(4) var<storage, read> lists: array<i32>;
// out [B, H, Q, DV], then lse [B, H, Q] from lse_offset.
@group(0) @binding(5) var<storage, read_write> result: array<f32>;
// The picture: a header of two words per query block (where its first row's cells start, and
// how many cells each of its rows has), written by the host, then the cells, as f32 bits.
@group(0) @binding(6) var<storage, read_write> picture: array<u32>;
// Debug build only: per workgroup, [blocks visited, mask_mod calls].
@group(0) @binding(7) var<storage, read_write> counters: array<atomic<u32>>;

// A finite stand-in for -inf while accumulating: WGSL does not promise infinities survive math.
const NEG_BIG: f32 = -3.0e38;
// A picture cell the mask disallows (PICTURE_MASKED_BITS in gpu/pictureLayout.ts): a NaN pattern.
const PICTURE_MASKED: u32 = 0xffffffffu;
// Another NaN, for an allowed score that happens to have PICTURE_MASKED's bits.
const CANONICAL_NAN: u32 = 0x7fc00000u;

var<workgroup> k_tile: array<vec4<f32>, TK * D4>;
var<workgroup> v_tile: array<vec4<f32>, TK * DV4>;
var<workgroup> shared_count: u32;
var<workgroup> shared_block: u32;

// Which of the four floats from element `first` of a row of `width` floats lie inside the row.
fn inside4(first: u32, width: u32) -> vec4<bool> {
  return vec4<u32>(first) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(width);
}

// Floats `first` to `first + 3` of the q row starting at `row_at`, zero past HEAD_DIM. Indices are
// clamped to the buffer so that the last row's padding never reads out of bounds.
fn q4(row_at: u32, first: u32) -> vec4<f32> {
  let last = arrayLength(&q_in) - 1u;
  let at = row_at + first;
  let x = vec4<f32>(
    q_in[min(at, last)],
    q_in[min(at + 1u, last)],
    q_in[min(at + 2u, last)],
    q_in[min(at + 3u, last)],
  );
  return select(vec4<f32>(0.0), x, inside4(first, HEAD_DIM));
}

// As q4, for a key row.
fn k4(row_at: u32, first: u32) -> vec4<f32> {
  let last = arrayLength(&k_in) - 1u;
  let at = row_at + first;
  let x = vec4<f32>(
    k_in[min(at, last)],
    k_in[min(at + 1u, last)],
    k_in[min(at + 2u, last)],
    k_in[min(at + 3u, last)],
  );
  return select(vec4<f32>(0.0), x, inside4(first, HEAD_DIM));
}

// As q4, for a value row (VALUE_DIM floats).
fn v4(row_at: u32, first: u32) -> vec4<f32> {
  let last = arrayLength(&v_in) - 1u;
  let at = row_at + first;
  let x = vec4<f32>(
    v_in[min(at, last)],
    v_in[min(at + 1u, last)],
    v_in[min(at + 2u, last)],
    v_in[min(at + 3u, last)],
  );
  return select(vec4<f32>(0.0), x, inside4(first, VALUE_DIM));
}

// Writes the components of output column group c that lie inside VALUE_DIM.
fn store_out(base: u32, c: u32, o: vec4<f32>) {
  for (var i = 0u; i < 4u; i++) {
    let d = 4u * c + i;
    if (d < VALUE_DIM) {
      result[base + d] = o[i];
    }
  }
}

@compute @workgroup_size(WG)
fn attend(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  let tile = wg.x;
  let bh = wg.y + ap.first_bh;
  let b = bh / ap.heads;
  let h = bh % ap.heads;
  let kv_head = h / (ap.heads / ap.kv_heads);
  let q_block = tile / ap.tiles_per_block;
  let q_first = q_block * ap.block_q + (tile % ap.tiles_per_block) * TQ;
  let q_stop = min((q_block + 1u) * ap.block_q, ap.q_len);
  // A tile past the end of a short last block has no rows: it skips the walk (uniformly).
  if (q_first >= q_stop) {
    return;
  }
  let counter_at = 2u * (bh * groups.x + tile);
  // Row index of query 0 of this (b, h) in out and lse.
  let bh_rows = (b * ap.heads + h) * ap.q_len;
  let on_picture_head = bh == ap.picture_bh;
  // This query block's cells in the picture: the row its first picture row is, where that row's
  // cells start and how many each row has; the cells of one visited block follow those of the
  // blocks visited before it (picture_cells_before).
  let picture_first_row = (q_block * ap.block_q + ap.picture_row_stride - 1u) / ap.picture_row_stride;
  var picture_row_at = 0u;
  var picture_row_cells = 0u;
  if (on_picture_head) {
    picture_row_at = 2u * ap.n_q + picture[2u * q_block];
    picture_row_cells = picture[2u * q_block + 1u];
  }
  var picture_cells_before = 0u;

  var q_reg: array<vec4<f32>, RQ * D4>;
  for (var r = 0u; r < RQ; r++) {
    let qi = q_first + r * WG + lane;
    if (qi < q_stop) {
      for (var c = 0u; c < D4; c++) {
        q_reg[r * D4 + c] = q4((bh_rows + qi) * HEAD_DIM, 4u * c);
      }
    }
  }

  let mask_row = ((b % ap.mask_b) * ap.mask_h + (h % ap.mask_h)) * ap.n_q + q_block;
  let kv_base = (b * ap.kv_heads + kv_head) * ap.kv_len;
  var m: array<f32, RQ>;
  var l: array<f32, RQ>;
  for (var r = 0u; r < RQ; r++) {
    m[r] = NEG_BIG;
  }
  var acc: array<vec4<f32>, RQ * DV4>;
  // The chunk's q k, then its scores (NEG_BIG where masked), then its probabilities; row r of
  // the tile at r * TK (indexed at run time: a few accesses per score, against D + DV
  // multiply-adds).
  var s: array<f32, RQ * TK>;

  // Phase 0: partial blocks (mask_mod applied). Phase 1: full blocks (no mask_mod).
  for (var phase = 0u; phase < 2u; phase++) {
    let partial = phase == 0u;
    if (lane == 0u) {
      shared_count = u32(lists[select(ap.off_full_num, ap.off_kv_num, partial) + mask_row]);
    }
    let count = workgroupUniformLoad(&shared_count);
    let list_at = select(ap.off_full_idx, ap.off_kv_idx, partial) + mask_row * ap.n_kv;
    for (var i = 0u; i < count; i++) {
      if (lane == 0u) {
        shared_block = u32(lists[list_at + i]);
        if (DEBUG_COUNTS) {
          atomicAdd(&counters[counter_at], 1u);
        }
      }
      let kv_block = workgroupUniformLoad(&shared_block);
      let kv_first = kv_block * ap.block_kv;
      let kv_stop = min(kv_first + ap.block_kv, ap.kv_len);
      for (var c0 = kv_first; c0 < kv_stop; c0 += TK) {
        let keys = min(TK, kv_stop - c0);
        // Keys past the chunk's end are staged as zeros (the loops below stop at `keys`).
        for (var e = lane; e < TK * D4; e += WG) {
          let j = e / D4;
          let x = k4((kv_base + c0 + j) * HEAD_DIM, 4u * (e % D4));
          k_tile[e] = select(vec4<f32>(0.0), x, j < keys);
        }
        for (var e = lane; e < TK * DV4; e += WG) {
          let j = e / DV4;
          let x = v4((kv_base + c0 + j) * VALUE_DIM, 4u * (e % DV4));
          v_tile[e] = select(vec4<f32>(0.0), x, j < keys);
        }
        workgroupBarrier();

        // q k for the RQ x keys tile: each staged K vec4 is read once and used by all RQ rows.
        for (var j = 0u; j < keys; j++) {
          // Zeroed explicitly: a var declared without initializer inside a loop may keep its
          // value from the previous trip after translation (it did on SwiftShader).
          var qk: array<f32, RQ>;
          for (var r = 0u; r < RQ; r++) {
            qk[r] = 0.0;
          }
          for (var c = 0u; c < D4; c++) {
            let k_c = k_tile[j * D4 + c];
            for (var r = 0u; r < RQ; r++) {
              qk[r] += dot(q_reg[r * D4 + c], k_c);
            }
          }
          for (var r = 0u; r < RQ; r++) {
            s[r * TK + j] = qk[r];
          }
        }

        // score_mod, mask_mod, the picture and the online softmax, row by row. A chunk with no
        // allowed key leaves m, l and acc exactly as they were (m_new == m gives a correction of
        // exactly 1, and every p is 0).
        for (var r = 0u; r < RQ; r++) {
          let qi = q_first + r * WG + lane;
          let row_ok = qi < q_stop;
          var chunk_max = NEG_BIG;
          var allowed = 0u;
          for (var j = 0u; j < keys; j++) {
            let kv = c0 + j;
            var score = NEG_BIG;
            if (row_ok) {
              let modded = score_mod(s[r * TK + j] * ap.scale, i32(b), i32(h), i32(qi), i32(kv));
              var ok = true;
              if (partial) {
                ok = mask_mod(i32(b), i32(h), i32(qi), i32(kv));
                if (DEBUG_COUNTS) {
                  atomicAdd(&counters[counter_at + 1u], 1u);
                }
              }
              if (ok) {
                score = modded;
                allowed |= 1u << j;
              }
            }
            s[r * TK + j] = score;
            chunk_max = max(chunk_max, score);
          }

          // The picture: only its rows enter this loop, one trip per sampled key of the chunk.
          if (on_picture_head && row_ok && qi % ap.picture_row_stride == 0u) {
            let stride = ap.picture_col_stride;
            let block_at = picture_row_at
              + (qi / ap.picture_row_stride - picture_first_row) * picture_row_cells
              + picture_cells_before;
            let block_first_column = (kv_first + stride - 1u) / stride;
            for (var kv = (c0 + stride - 1u) / stride * stride; kv < c0 + keys; kv += stride) {
              let j = kv - c0;
              var bits = PICTURE_MASKED;
              if (((allowed >> j) & 1u) != 0u) {
                bits = bitcast<u32>(s[r * TK + j]);
                bits = select(bits, CANONICAL_NAN, bits == PICTURE_MASKED);
              }
              picture[block_at + kv / stride - block_first_column] = bits;
            }
          }

          let m_new = max(m[r], chunk_max);
          let correction = select(1.0, exp(m[r] - m_new), m_new > m[r]);
          l[r] *= correction;
          for (var c = 0u; c < DV4; c++) {
            acc[r * DV4 + c] *= correction;
          }
          m[r] = m_new;
          for (var j = 0u; j < keys; j++) {
            let x = s[r * TK + j];
            let p = select(0.0, exp(x - m_new), x > NEG_BIG);
            s[r * TK + j] = p;
            l[r] += p;
          }
        }

        // acc += p v: each staged V vec4 is read once and used by all RQ rows.
        for (var j = 0u; j < keys; j++) {
          var p: array<f32, RQ>;
          for (var r = 0u; r < RQ; r++) {
            p[r] = s[r * TK + j];
          }
          for (var c = 0u; c < DV4; c++) {
            let v_c = v_tile[j * DV4 + c];
            for (var r = 0u; r < RQ; r++) {
              acc[r * DV4 + c] += p[r] * v_c;
            }
          }
        }
        workgroupBarrier();
      }
      // The next visited block's picture cells follow this block's.
      let column_stride = ap.picture_col_stride;
      picture_cells_before += (kv_stop + column_stride - 1u) / column_stride
        - (kv_first + column_stride - 1u) / column_stride;
    }
  }

  for (var r = 0u; r < RQ; r++) {
    let qi = q_first + r * WG + lane;
    if (qi < q_stop) {
      let row_at = bh_rows + qi;
      // A row with no allowed key: output 0 and lse -inf, never NaN.
      let has_keys = l[r] > 0.0;
      let inv = select(0.0, 1.0 / l[r], has_keys);
      for (var c = 0u; c < DV4; c++) {
        store_out(row_at * VALUE_DIM, c, acc[r * DV4 + c] * inv);
      }
      let lse = select(bitcast<f32>(ap.neg_inf_bits), m[r] + log(l[r]), has_keys);
      result[ap.lse_offset + row_at] = lse;
    }
  }
}
