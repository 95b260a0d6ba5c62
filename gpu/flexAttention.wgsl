// Block-sparse flex attention forward (docs/blockmask.md, "The attention forward pass"),
// FlashAttention style, in f32.
//
// One workgroup computes TQ query rows of one query block for one (b, h); each invocation owns
// one query row: its q vector and its output accumulator live in registers. For the query block
// the workgroup walks the partial blocks (score_mod, then mask_mod) and then the full blocks
// (score_mod only), as the BlockMask lists them; empty blocks are never touched. Each kv block is
// consumed in chunks of TK keys that the workgroup stages in workgroup memory as vec4s; the
// softmax is the online one (running max m, running sum l, rescaled accumulator), updated once
// per chunk.
//
// For the (b, h) on screen the kernel also writes the scores it computed into the picture
// (sampled every picture_row_stride-th query and picture_col_stride-th key); cells of skipped
// blocks keep the -inf the host filled in, which is right because an empty block is all masked.
//
// The host prepends the program's WGSL (mask_mod, score_mod and its bindings in the program's bind
// group, PROGRAM_BIND_GROUP of app/mask/types.ts), the constants TQ, TK, D4 (= ceil(D / 4)), DV4,
// HEAD_DIM, VALUE_DIM and DEBUG_COUNTS, and the struct AttentionParams: that struct is declared
// once, as ATTENTION_PARAMS in gpu/flexAttention.ts, which also packs the uniform from it.

@group(0) @binding(0) var<uniform> ap: AttentionParams;
@group(0) @binding(1) var<storage, read> q_in: array<f32>;
@group(0) @binding(2) var<storage, read> k_in: array<f32>;
@group(0) @binding(3) var<storage, read> v_in: array<f32>;
@group(0) @binding(4) var<storage, read> lists: array<i32>;
// out [B, H, Q, DV], then lse [B, H, Q] from lse_offset.
@group(0) @binding(5) var<storage, read_write> result: array<f32>;
// The picture's scores [picture_rows, picture_cols], pre-filled with -inf by the host.
@group(0) @binding(6) var<storage, read_write> picture: array<f32>;
// Debug build only: per workgroup, [blocks visited, mask_mod calls].
@group(0) @binding(7) var<storage, read_write> counters: array<atomic<u32>>;

// A finite stand-in for -inf while accumulating: WGSL does not promise infinities survive math.
const NEG_BIG: f32 = -3.0e38;

var<workgroup> k_tile: array<vec4<f32>, TK * D4>;
var<workgroup> v_tile: array<vec4<f32>, TK * DV4>;
var<workgroup> shared_count: u32;
var<workgroup> shared_block: u32;

// Element e of a row of `width` floats starting at `base`, as part of a vec4 (zero past the end).
fn load4(which: u32, base: u32, width: u32, c: u32) -> vec4<f32> {
  var x = vec4<f32>(0.0);
  for (var i = 0u; i < 4u; i++) {
    let d = 4u * c + i;
    if (d < width) {
      if (which == 0u) {
        x[i] = q_in[base + d];
      } else if (which == 1u) {
        x[i] = k_in[base + d];
      } else {
        x[i] = v_in[base + d];
      }
    }
  }
  return x;
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

@compute @workgroup_size(TQ)
fn attend(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) row: u32,
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
  let qi = q_first + row;
  let row_valid = qi < q_stop;
  let counter_at = 2u * (bh * groups.x + tile);
  let on_picture = bh == ap.picture_bh && row_valid && qi % ap.picture_row_stride == 0u;
  let picture_row = qi / ap.picture_row_stride;

  var q_reg: array<vec4<f32>, D4>;
  if (row_valid) {
    let q_at = ((b * ap.heads + h) * ap.q_len + qi) * HEAD_DIM;
    for (var c = 0u; c < D4; c++) {
      q_reg[c] = load4(0u, q_at, HEAD_DIM, c);
    }
  }

  let mask_row = ((b % ap.mask_b) * ap.mask_h + (h % ap.mask_h)) * ap.n_q + q_block;
  let kv_base = (b * ap.kv_heads + kv_head) * ap.kv_len;
  var m = NEG_BIG;
  var l = 0.0;
  var acc: array<vec4<f32>, DV4>;
  var s: array<f32, TK>;

  // Phase 0: partial blocks (mask_mod applied). Phase 1: full blocks (no mask_mod).
  for (var phase = 0u; phase < 2u; phase++) {
    let partial = phase == 0u;
    if (row == 0u) {
      shared_count = u32(lists[select(ap.off_full_num, ap.off_kv_num, partial) + mask_row]);
    }
    let count = workgroupUniformLoad(&shared_count);
    let list_at = select(ap.off_full_idx, ap.off_kv_idx, partial) + mask_row * ap.n_kv;
    for (var i = 0u; i < count; i++) {
      if (row == 0u) {
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
        for (var e = row; e < TK * D4; e += TQ) {
          let j = e / D4;
          var x = vec4<f32>(0.0);
          if (j < keys) {
            x = load4(1u, (kv_base + c0 + j) * HEAD_DIM, HEAD_DIM, e % D4);
          }
          k_tile[e] = x;
        }
        for (var e = row; e < TK * DV4; e += TQ) {
          let j = e / DV4;
          var x = vec4<f32>(0.0);
          if (j < keys) {
            x = load4(2u, (kv_base + c0 + j) * VALUE_DIM, VALUE_DIM, e % DV4);
          }
          v_tile[e] = x;
        }
        workgroupBarrier();

        if (row_valid) {
          var chunk_max = NEG_BIG;
          for (var j = 0u; j < keys; j++) {
            let kv = c0 + j;
            var qk = 0.0;
            for (var c = 0u; c < D4; c++) {
              qk += dot(q_reg[c], k_tile[j * D4 + c]);
            }
            var score = score_mod(qk * ap.scale, i32(b), i32(h), i32(qi), i32(kv));
            var allowed = true;
            if (partial) {
              allowed = mask_mod(i32(b), i32(h), i32(qi), i32(kv));
              if (DEBUG_COUNTS) {
                atomicAdd(&counters[counter_at + 1u], 1u);
              }
            }
            if (on_picture && kv % ap.picture_col_stride == 0u && allowed) {
              picture[picture_row * ap.picture_cols + kv / ap.picture_col_stride] = score;
            }
            if (!allowed) {
              score = NEG_BIG;
            }
            s[j] = score;
            chunk_max = max(chunk_max, score);
          }
          // Only a chunk with an allowed key changes the state: the rows stay exact when a
          // whole chunk is masked.
          if (chunk_max > NEG_BIG) {
            let m_new = max(m, chunk_max);
            let correction = exp(m - m_new);
            l *= correction;
            for (var c = 0u; c < DV4; c++) {
              acc[c] *= correction;
            }
            for (var j = 0u; j < keys; j++) {
              if (s[j] > NEG_BIG) {
                let p = exp(s[j] - m_new);
                l += p;
                for (var c = 0u; c < DV4; c++) {
                  acc[c] += p * v_tile[j * DV4 + c];
                }
              }
            }
            m = m_new;
          }
        }
        workgroupBarrier();
      }
    }
  }

  if (row_valid) {
    let row_at = (b * ap.heads + h) * ap.q_len + qi;
    // A row with no allowed key: output 0 and lse -inf, never NaN.
    let has_keys = l > 0.0;
    let inv = select(0.0, 1.0 / l, has_keys);
    for (var c = 0u; c < DV4; c++) {
      store_out(row_at * VALUE_DIM, c, acc[c] * inv);
    }
    result[ap.lse_offset + row_at] = select(bitcast<f32>(ap.neg_inf_bits), m + log(l), has_keys);
  }
}
