// A smoke test that the device runs compute work: out[i] = in[i] * in[i] + i.
@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= arrayLength(&input)) {
    return;
  }
  output[i] = input[i] * input[i] + f32(i);
}
