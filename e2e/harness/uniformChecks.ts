import { getGpu } from '../../gpu/device';
import { BLOCK_MASK_PARAMS } from '../../gpu/blockMask';
import { ATTENTION_PARAMS } from '../../gpu/flexAttention';
import { PICTURE_PARAMS } from '../../gpu/headPicture';
import { PROBE_GRID_PARAMS } from './kernels/programProbe';
import { BufferSet } from '../../gpu/resources';
import {
  uniformStruct,
  type FieldLayout,
  type StructFields,
  type StructValues,
  type UniformStruct,
  type WgslScalar,
} from '../../gpu/uniformStruct';

/**
 * Not a kernel's: a struct with every kind of padding the layout rules make (a vec2 and a vec4
 * after a scalar, a scalar in a vec3's last four bytes, a struct size rounded up to 16), so the
 * GPU's compiler checks the rules the unit tests work out by hand.
 */
const LAYOUT_EXERCISE = uniformStruct('LayoutExercise', {
  a: 'f32',
  b: 'vec2<u32>',
  c: 'i32',
  d: 'vec3<f32>',
  e: 'u32',
  f: 'vec4<i32>',
  g: 'f32',
});

/** Every uniform struct the kernels read, and the exercise above. */
const STRUCTS: UniformStruct<StructFields>[] = [
  ATTENTION_PARAMS,
  BLOCK_MASK_PARAMS,
  PICTURE_PARAMS,
  PROBE_GRID_PARAMS,
  LAYOUT_EXERCISE,
];

/** One field as the host packed it and as a shader declaring the generated struct read it. */
export interface UniformFieldReadback {
  struct: string;
  field: string;
  type: string;
  offset: number;
  /** The bits of each component of the value packed, as u32. */
  expected: number[];
  /** The same bits as the shader read them from the uniform. */
  actual: number[];
}

export interface UniformReadback {
  fields: UniformFieldReadback[];
  /** Compilation and validation errors, per struct. */
  errors: string[];
}

/**
 * A value for the w-th component of the struct that no other component shares and that a reader
 * can recognise: 0x0101_0101 * (w + 1) for u32, its negation for i32, w + 0.25 for f32.
 */
function distinctValue(scalar: WgslScalar, w: number): number {
  if (scalar === 'u32') return (0x01010101 * (w + 1)) >>> 0;
  if (scalar === 'i32') return -0x01010101 * (w + 1);
  return w + 0.25;
}

/** The bits of `value` as `scalar`, read as a u32 (what the shader's bitcast<u32> gives). */
function bitsOf(scalar: WgslScalar, value: number): number {
  const word = new DataView(new ArrayBuffer(4));
  if (scalar === 'f32') word.setFloat32(0, value, true);
  else if (scalar === 'i32') word.setInt32(0, value, true);
  else word.setUint32(0, value, true);
  return word.getUint32(0, true);
}

/** Distinct values for every component of every field, in declaration order. */
function distinctValues(fields: readonly FieldLayout[]): Map<string, number[]> {
  let w = 0;
  return new Map(
    fields.map((f) => [
      f.name,
      Array.from({ length: f.components }, () => distinctValue(f.scalar, w++)),
    ]),
  );
}

/**
 * A kernel that declares the generated struct as a uniform and copies every component of every
 * field, bitcast to u32, into `field_words` in declaration order.
 */
function readBackShader(struct: UniformStruct<StructFields>): string {
  const copies: string[] = [];
  for (const f of struct.fields) {
    const parts =
      f.components === 1
        ? [`host_params.${f.name}`]
        : Array.from({ length: f.components }, (_, i) => `host_params.${f.name}[${i}]`);
    for (const part of parts)
      copies.push(`  field_words[${copies.length}] = bitcast<u32>(${part});`);
  }
  return [
    struct.wgsl,
    `@group(0) @binding(0) var<uniform> host_params: ${struct.name};`,
    '@group(0) @binding(1) var<storage, read_write> field_words: array<u32>;',
    '@compute @workgroup_size(1)',
    'fn copy_fields() {',
    ...copies,
    '}',
  ].join('\n');
}

/** Packs, dispatches and reads back one struct; the uniform is bound at exactly its size. */
async function readBackStruct(
  device: GPUDevice,
  struct: UniformStruct<StructFields>,
): Promise<{ fields: UniformFieldReadback[]; error?: string }> {
  const values = distinctValues(struct.fields);
  const packed = struct.pack(
    Object.fromEntries(
      struct.fields.map((f) => {
        const components = values.get(f.name) ?? [];
        return [f.name, f.components === 1 ? components[0] : components];
      }),
    ) as StructValues<StructFields>,
  );
  const wordCount = struct.fields.reduce((n, f) => n + f.components, 0);
  const buffers = new BufferSet(device);
  try {
    device.pushErrorScope('validation');
    const module = device.createShaderModule({
      label: `${struct.name} readback`,
      code: readBackShader(struct),
    });
    const info = await module.getCompilationInfo();
    const compileErrors = info.messages
      .filter((m) => m.type === 'error')
      .map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'copy_fields' },
    });
    const uniform = buffers.uniform(`${struct.name} packed`, packed);
    const words = buffers.output(`${struct.name} fields`, 4 * wordCount);
    // Binding `size` bytes (not the padded buffer) makes WebGPU check that the shader's struct
    // is no larger than the host thinks: its minimum binding size is the compiler's SizeOf.
    const group = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniform, size: struct.size } },
        { binding: 1, resource: { buffer: words } },
      ],
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const validation = await device.popErrorScope();
    if (compileErrors.length > 0 || validation) {
      const error = [...compileErrors, validation?.message ?? ''].filter(Boolean).join('; ');
      return { fields: [], error: `${struct.name}: ${error}` };
    }
    const read = new Uint32Array(await buffers.read(words, 4 * wordCount));
    let at = 0;
    const fields = struct.fields.map((f) => {
      const expected = (values.get(f.name) ?? []).map((v) => bitsOf(f.scalar, v));
      const actual = Array.from(read.subarray(at, at + f.components));
      at += f.components;
      return {
        struct: struct.name,
        field: f.name,
        type: f.type,
        offset: f.offset,
        expected,
        actual,
      };
    });
    return { fields };
  } finally {
    buffers.destroy();
  }
}

/**
 * For each uniform struct: packs a distinct value into every field, has a shader that declares the
 * generated struct copy every field out, and returns both per field. An offset where the packing
 * and the WGSL layout disagree reads a neighbour's value (or padding) and shows as a mismatch.
 */
export async function readBackUniformStructs(): Promise<UniformReadback> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const fields: UniformFieldReadback[] = [];
  const errors: string[] = [];
  for (const struct of STRUCTS) {
    const result = await readBackStruct(gpu.context.device, struct);
    fields.push(...result.fields);
    if (result.error) errors.push(result.error);
  }
  return { fields, errors };
}
