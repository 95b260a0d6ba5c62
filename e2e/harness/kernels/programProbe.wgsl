// Evaluates a compiled mask program's mask_mod and score_mod at every cell of a small grid, so a
// test can compare the GPU with the CPU back end. The program's WGSL (its bind group,
// PROGRAM_BIND_GROUP of app/mask/types.ts) is placed above this text; this kernel owns group 0 (KERNEL_GROUP).
// Cell i is (b, h, q, kv) in row-major order.
//
// ProbeGrid is declared once, as PROBE_GRID_PARAMS in programProbe.ts beside it, which generates the
// struct the host places above this text and packs the uniform from the same declaration.

@group(0) @binding(0) var<uniform> probe_grid: ProbeGrid;
@group(0) @binding(1) var<storage, read> probe_input_scores: array<f32>;
@group(0) @binding(2) var<storage, read_write> probe_mask: array<u32>;
@group(0) @binding(3) var<storage, read_write> probe_scores: array<f32>;

@compute @workgroup_size(64)
fn probe_main(@builtin(global_invocation_id) id: vec3<u32>) {
  let cells = probe_grid.batch * probe_grid.heads * probe_grid.q_len * probe_grid.kv_len;
  let i = id.x;
  if (i >= cells) {
    return;
  }
  let kv = i % probe_grid.kv_len;
  let q = (i / probe_grid.kv_len) % probe_grid.q_len;
  let h = (i / (probe_grid.kv_len * probe_grid.q_len)) % probe_grid.heads;
  let b = i / (probe_grid.kv_len * probe_grid.q_len * probe_grid.heads);
  probe_mask[i] = select(0u, 1u, mask_mod(i32(b), i32(h), i32(q), i32(kv)));
  probe_scores[i] = score_mod(probe_input_scores[i], i32(b), i32(h), i32(q), i32(kv));
}
