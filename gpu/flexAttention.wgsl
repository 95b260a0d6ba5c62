// Block-sparse flex attention forward (SPEC.md section 3), FlashAttention style, in f32.
//
// One workgroup computes TQ query rows of one query block for one (b, h). Each row is served by
// TC lanes. For the query block it walks the partial blocks (score_mod, then mask_mod) and then
// the full blocks (score_mod only), as listed by the BlockMask; empty blocks are never touched.
// Each kv block is consumed in chunks of TK keys staged in workgroup memory; the softmax is the
// online one (running max m, running sum l, rescaled accumulator).
//
// The host prepends: the program's WGSL (mask_mod, score_mod, @group(1)) and the tile constants
// TQ, TC, TK, HEAD_DIM, VALUE_DIM, DV_PER_LANE and DEBUG_COUNTS.

struct AttnParams {
  batch: u32,
  heads: u32,
  kv_heads: u32,
  q_len: u32,
  kv_len: u32,
  block_q: u32,
  block_kv: u32,
  n_q: u32,
  n_kv: u32,
  mask_b: u32,
  mask_h: u32,
  tiles_per_block: u32,
  off_kv_num: u32,
  off_kv_idx: u32,
  off_full_num: u32,
  off_full_idx: u32,
  scale: f32,
  lse_offset: u32,
  // The bits of -inf, passed at run time: a constant -inf does not compile in WGSL.
  neg_inf_bits: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> ap: AttnParams;
@group(0) @binding(1) var<storage, read> q_in: array<f32>;
@group(0) @binding(2) var<storage, read> k_in: array<f32>;
@group(0) @binding(3) var<storage, read> v_in: array<f32>;
@group(0) @binding(4) var<storage, read> lists: array<i32>;
// out [B, H, Q, DV], then lse [B, H, Q] from lse_offset.
@group(0) @binding(5) var<storage, read_write> result: array<f32>;
// Debug build only: per workgroup, [blocks visited, mask_mod calls].
@group(0) @binding(6) var<storage, read_write> counters: array<atomic<u32>>;

const THREADS: u32 = TQ * TC;
// A finite stand-in for -inf while accumulating: WGSL does not promise infinities survive math.
const NEG_BIG: f32 = -3.0e38;

var<workgroup> q_tile: array<f32, TQ * HEAD_DIM>;
var<workgroup> k_tile: array<f32, TK * HEAD_DIM>;
var<workgroup> v_tile: array<f32, TK * VALUE_DIM>;
var<workgroup> s_tile: array<f32, TQ * TK>;
var<workgroup> allowed_tile: array<u32, TQ * TK>;
var<workgroup> shared_count: u32;
var<workgroup> shared_block: u32;

fn negative_infinity() -> f32 {
  return bitcast<f32>(ap.neg_inf_bits);
}

@compute @workgroup_size(THREADS)
fn attend(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let tile = wg.x;
  let bh = wg.y;
  let b = bh / ap.heads;
  let h = bh % ap.heads;
  let kv_head = h / (ap.heads / ap.kv_heads);
  let q_block = tile / ap.tiles_per_block;
  let q_first = q_block * ap.block_q + (tile % ap.tiles_per_block) * TQ;
  let q_stop = min((q_block + 1u) * ap.block_q, ap.q_len);
  let row = lid / TC;
  let lane = lid % TC;
  let qi = q_first + row;
  let row_valid = qi < q_stop;
  let counter_at = 2u * (bh * groups.x + tile);
  // A tile past the end of a short last block has no rows: it skips the walk (uniformly).
  if (q_first >= q_stop) {
    return;
  }

  for (var e = lid; e < TQ * HEAD_DIM; e += THREADS) {
    let r = q_first + e / HEAD_DIM;
    var x = 0.0;
    if (r < q_stop) {
      x = q_in[((b * ap.heads + h) * ap.q_len + r) * HEAD_DIM + e % HEAD_DIM];
    }
    q_tile[e] = x;
  }

  let mask_row = ((b % ap.mask_b) * ap.mask_h + (h % ap.mask_h)) * ap.n_q + q_block;
  let k_base = (b * ap.kv_heads + kv_head) * ap.kv_len;
  var m = NEG_BIG;
  var l = 0.0;
  var acc: array<f32, DV_PER_LANE>;

  // Phase 0: partial blocks (mask_mod applied). Phase 1: full blocks (no mask_mod).
  for (var phase = 0u; phase < 2u; phase++) {
    let partial = phase == 0u;
    if (lid == 0u) {
      shared_count = u32(lists[select(ap.off_full_num, ap.off_kv_num, partial) + mask_row]);
    }
    let count = workgroupUniformLoad(&shared_count);
    let list_at = select(ap.off_full_idx, ap.off_kv_idx, partial) + mask_row * ap.n_kv;
    for (var i = 0u; i < count; i++) {
      if (lid == 0u) {
        shared_block = u32(lists[list_at + i]);
        if (DEBUG_COUNTS) {
          atomicAdd(&counters[counter_at], 1u);
        }
      }
      let kv_block = workgroupUniformLoad(&shared_block);
      let kv_first = kv_block * ap.block_kv;
      let kv_stop = min(kv_first + ap.block_kv, ap.kv_len);
      for (var c0 = kv_first; c0 < kv_stop; c0 += TK) {
        for (var e = lid; e < TK * HEAD_DIM; e += THREADS) {
          let kv = c0 + e / HEAD_DIM;
          var x = 0.0;
          if (kv < kv_stop) {
            x = k_in[(k_base + kv) * HEAD_DIM + e % HEAD_DIM];
          }
          k_tile[e] = x;
        }
        for (var e = lid; e < TK * VALUE_DIM; e += THREADS) {
          let kv = c0 + e / VALUE_DIM;
          var x = 0.0;
          if (kv < kv_stop) {
            x = v_in[(k_base + kv) * VALUE_DIM + e % VALUE_DIM];
          }
          v_tile[e] = x;
        }
        workgroupBarrier();

        for (var j = lane; j < TK; j += TC) {
          let kv = c0 + j;
          var allowed = row_valid && kv < kv_stop;
          var s = 0.0;
          if (allowed) {
            var qk = 0.0;
            for (var d = 0u; d < HEAD_DIM; d++) {
              qk += q_tile[row * HEAD_DIM + d] * k_tile[j * HEAD_DIM + d];
            }
            s = score_mod(qk * ap.scale, i32(b), i32(h), i32(qi), i32(kv));
            if (partial) {
              allowed = mask_mod(i32(b), i32(h), i32(qi), i32(kv));
              if (DEBUG_COUNTS) {
                atomicAdd(&counters[counter_at + 1u], 1u);
              }
            }
          }
          s_tile[row * TK + j] = s;
          allowed_tile[row * TK + j] = select(0u, 1u, allowed);
        }
        workgroupBarrier();

        // Every lane of a row computes the same m and l, so no reduction is needed.
        let keys = min(TK, kv_stop - c0);
        var chunk_max = NEG_BIG;
        for (var j = 0u; j < keys; j++) {
          if (allowed_tile[row * TK + j] != 0u) {
            chunk_max = max(chunk_max, s_tile[row * TK + j]);
          }
        }
        if (chunk_max > NEG_BIG) {
          let m_new = max(m, chunk_max);
          let correction = exp(m - m_new);
          l *= correction;
          for (var t = 0u; t < DV_PER_LANE; t++) {
            acc[t] *= correction;
          }
          for (var j = 0u; j < keys; j++) {
            if (allowed_tile[row * TK + j] != 0u) {
              let p = exp(s_tile[row * TK + j] - m_new);
              l += p;
              for (var t = 0u; t < DV_PER_LANE; t++) {
                let d = lane + t * TC;
                if (d < VALUE_DIM) {
                  acc[t] += p * v_tile[j * VALUE_DIM + d];
                }
              }
            }
          }
          m = m_new;
        }
        workgroupBarrier();
      }
    }
  }

  if (row_valid) {
    let row_at = (b * ap.heads + h) * ap.q_len + qi;
    // A row with no allowed key: output 0 and lse -inf, never NaN.
    let has_keys = l > 0.0;
    for (var t = 0u; t < DV_PER_LANE; t++) {
      let d = lane + t * TC;
      if (d < VALUE_DIM) {
        result[row_at * VALUE_DIM + d] = select(0.0, acc[t] / l, has_keys);
      }
    }
    if (lane == 0u) {
      result[ap.lse_offset + row_at] = select(negative_infinity(), m + log(l), has_keys);
    }
  }
}
