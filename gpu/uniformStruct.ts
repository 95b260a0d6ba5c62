/**
 * One declaration per uniform struct, and from it both sides of the contract: the WGSL `struct`
 * text the host prepends to a kernel, and the packing of a typed object into the bytes the kernel
 * reads. Offsets follow WGSL's memory layout rules (https://www.w3.org/TR/WGSL/#memory-layouts),
 * so the host and the shader can no longer disagree about where a field lies.
 *
 * Fields are 32-bit scalars and vectors of them, which is all the kernels pass. Layout rules:
 *   type         AlignOf  SizeOf
 *   u32/i32/f32     4       4
 *   vec2<T>         8       8
 *   vec3<T>        16      12
 *   vec4<T>        16      16
 * Each field sits at the next multiple of its alignment after the previous one; the struct's
 * alignment is its largest field alignment and its size is the end of the last field rounded up
 * to that alignment. The uniform address space's 16-byte rules concern structs and arrays nested
 * in a struct (which these structs never hold) and the struct's own alignment
 * (roundUp(16, AlignOf(S))): the packed bytes are padded to a multiple of 16 for that reason.
 */

export type WgslScalar = 'u32' | 'i32' | 'f32';
export type WgslVector = `vec${2 | 3 | 4}<${WgslScalar}>`;
export type WgslFieldType = WgslScalar | WgslVector;

/** What the host gives for a field: a number for a scalar, one number per vector component. */
export type FieldValue<T extends WgslFieldType> = T extends WgslScalar
  ? number
  : T extends `vec2<${string}>`
    ? readonly [number, number]
    : T extends `vec3<${string}>`
      ? readonly [number, number, number]
      : readonly [number, number, number, number];

/** Field name (the WGSL name, verbatim) to WGSL type, in declaration order. */
export type StructFields = Readonly<Record<string, WgslFieldType>>;

export type StructValues<F extends StructFields> = {
  readonly [K in keyof F]: FieldValue<F[K]>;
};

/** Where one field lies in the struct, as WGSL lays it out. */
export interface FieldLayout {
  name: string;
  type: WgslFieldType;
  scalar: WgslScalar;
  components: number;
  offset: number;
  align: number;
  size: number;
}

export interface UniformStruct<F extends StructFields> {
  readonly name: string;
  /** In declaration order, which is also the WGSL member order. */
  readonly fields: readonly FieldLayout[];
  /** AlignOf(S): the largest field alignment. */
  readonly align: number;
  /** SizeOf(S): the end of the last field rounded up to `align`. */
  readonly size: number;
  /** What `pack` returns: `size` rounded up to 16 (the uniform struct's required alignment). */
  readonly bufferBytes: number;
  /** The WGSL declaration of the struct, to place before the kernel text that uses it. */
  readonly wgsl: string;
  /** The struct's bytes for `values` (little-endian, as WebGPU buffers are); padding is zero. */
  pack(values: StructValues<F>): Uint8Array;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;
const VECTOR = /^vec([234])<(u32|i32|f32)>$/;

function roundUp(alignment: number, n: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/** The scalar, component count, alignment and size of a field type (the table above). */
function typeLayout(type: WgslFieldType): Omit<FieldLayout, 'name' | 'offset' | 'type'> {
  const vector = VECTOR.exec(type);
  if (!vector) return { scalar: type as WgslScalar, components: 1, align: 4, size: 4 };
  const components = Number(vector[1]);
  return {
    scalar: vector[2] as WgslScalar,
    components,
    align: components === 2 ? 8 : 16,
    size: 4 * components,
  };
}

function checkIdentifier(what: string, name: string): void {
  // `__` prefixes are reserved in WGSL; names here are the kernels' own, never a user's.
  if (!IDENTIFIER.test(name) || name.startsWith('__')) {
    throw new Error(`${what} "${name}" is not a WGSL identifier.`);
  }
}

/** Writes one component, refusing values the field's scalar type cannot hold exactly. */
function writeScalar(view: DataView, at: number, scalar: WgslScalar, value: unknown, what: string) {
  if (typeof value !== 'number') throw new RangeError(`${what} is ${String(value)}, not a number.`);
  if (scalar === 'f32') {
    view.setFloat32(at, value, true);
    return;
  }
  const [low, high] = scalar === 'u32' ? [0, 0xffffffff] : [-0x80000000, 0x7fffffff];
  if (!Number.isInteger(value) || value < low || value > high) {
    throw new RangeError(`${what} is ${value}, which is not a ${scalar}.`);
  }
  if (scalar === 'u32') view.setUint32(at, value, true);
  else view.setInt32(at, value, true);
}

/**
 * Declares a uniform struct. `fields` maps each WGSL member name to its type, in order; the
 * object's key order is the member order (JavaScript keeps string keys in insertion order).
 */
export function uniformStruct<const F extends StructFields>(
  name: string,
  fields: F,
): UniformStruct<F> {
  checkIdentifier('Struct name', name);
  const layouts: FieldLayout[] = [];
  let end = 0;
  let align = 4;
  for (const [field, type] of Object.entries(fields)) {
    checkIdentifier(`Field of ${name}`, field);
    const layout = typeLayout(type);
    const offset = roundUp(layout.align, end);
    layouts.push({ name: field, type, offset, ...layout });
    end = offset + layout.size;
    align = Math.max(align, layout.align);
  }
  if (layouts.length === 0) throw new Error(`Struct ${name} has no fields: WGSL needs one.`);
  const size = roundUp(align, end);
  const bufferBytes = roundUp(16, size);
  const wgsl = [
    `// Generated from the declaration of ${name} (gpu/uniformStruct.ts): edit that, not this.`,
    `struct ${name} {`,
    ...layouts.map((f) => `  ${f.name}: ${f.type},`),
    '}',
  ].join('\n');

  function pack(values: StructValues<F>): Uint8Array {
    const bytes = new Uint8Array(bufferBytes);
    const view = new DataView(bytes.buffer);
    const given = values as Readonly<Record<string, unknown>>;
    for (const f of layouts) {
      const value = given[f.name];
      const what = `${name}.${f.name}`;
      if (f.components === 1) {
        writeScalar(view, f.offset, f.scalar, value, what);
        continue;
      }
      if (!Array.isArray(value) || value.length !== f.components) {
        throw new RangeError(`${what} needs ${f.components} components (${f.type}).`);
      }
      value.forEach((component: unknown, i) =>
        writeScalar(view, f.offset + 4 * i, f.scalar, component, `${what}[${i}]`),
      );
    }
    return bytes;
  }

  return { name, fields: layouts, align, size, bufferBytes, wgsl, pack };
}
