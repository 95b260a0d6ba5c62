// Test probe for the interval back end: boxes in, one mask_mod_bounds answer out per box.
// Each box is [b, h, q_lo, q_hi, kv_lo, kv_hi]. Group 1 is the program's, as in every kernel;
// the host prepends the program's WGSL and its bounds WGSL.

@group(0) @binding(0) var<storage, read> fm_probe_boxes: array<i32>;
@group(0) @binding(1) var<storage, read_write> fm_probe_bounds: array<u32>;

@compute @workgroup_size(64)
fn fm_probe_bounds_main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= arrayLength(&fm_probe_bounds)) {
    return;
  }
  let k = i * 6u;
  fm_probe_bounds[i] = mask_mod_bounds(fm_probe_boxes[k], fm_probe_boxes[k + 1u],
    fm_probe_boxes[k + 2u], fm_probe_boxes[k + 3u], fm_probe_boxes[k + 4u], fm_probe_boxes[k + 5u]);
}
