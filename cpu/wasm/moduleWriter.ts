/**
 * A small writer of WebAssembly binary modules, enough for the CPU engine's kernels: function
 * types, functions, one memory, exports, code. No imports, tables, globals or data segments.
 *
 * Why the kernels are bytes emitted from TypeScript rather than WAT assembled at build time or
 * AssemblyScript:
 * - `npm ci` needs nothing extra: no assembler, no compiler, no build step; Vite bundles this
 *   module like any other, and Vitest runs the very same code in Node.
 * - The kernel is specialised at run time to the problem's shape: head dims, block sizes and
 *   strides become constants (unrolled loops, immediate memory offsets), which a module built
 *   ahead of time could only approximate with one variant per shape.
 * - The relaxed-SIMD variant differs by one opcode choice (`f32x4.relaxed_madd` instead of
 *   `f32x4.mul` + `f32x4.add`), chosen at run time by feature detection.
 */
import { FunctionBody, VALUE_TYPE_CODES } from './functionBody';
import { unsignedLeb128 } from './leb128';

export interface ExportedFunction {
  /** The export name. */
  name: string;
  body: FunctionBody;
}

export interface ModuleDefinition {
  functions: readonly ExportedFunction[];
  /** Pages (64 KiB each) of the module's one memory, exported as `memory`; it cannot grow. */
  memoryPages: number;
}

export const WASM_PAGE_BYTES = 65536;
export const MEMORY_EXPORT = 'memory';

const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const SECTION = { type: 1, function: 3, memory: 5, export: 7, code: 10 } as const;
const FUNCTION_TYPE = 0x60;
const EXPORT_KIND = { function: 0x00, memory: 0x02 } as const;
/** Limits with a maximum: min = max, so the memory never grows and views of it stay valid. */
const LIMITS_MIN_MAX = 0x01;

export function writeModule(definition: ModuleDefinition): Uint8Array<ArrayBuffer> {
  const { functions, memoryPages } = definition;
  const out = new ByteSink();
  out.append(MAGIC_AND_VERSION);

  // One function type per function, in order, so function i has type i.
  out.section(
    SECTION.type,
    vector(
      functions.map(({ body }) => [
        FUNCTION_TYPE,
        ...unsignedLeb128(body.params.length),
        ...body.params.map((t) => VALUE_TYPE_CODES[t]),
        ...unsignedLeb128(body.results.length),
        ...body.results.map((t) => VALUE_TYPE_CODES[t]),
      ]),
    ),
  );
  out.section(SECTION.function, vector(functions.map((_, i) => unsignedLeb128(i))));
  out.section(
    SECTION.memory,
    vector([[LIMITS_MIN_MAX, ...unsignedLeb128(memoryPages), ...unsignedLeb128(memoryPages)]]),
  );
  out.section(
    SECTION.export,
    vector([
      ...functions.map(({ name }, i) => [
        ...encodeName(name),
        EXPORT_KIND.function,
        ...unsignedLeb128(i),
      ]),
      [...encodeName(MEMORY_EXPORT), EXPORT_KIND.memory, ...unsignedLeb128(0)],
    ]),
  );
  out.section(SECTION.code, vector(functions.map(({ body }) => body.encode())));
  return out.bytes();
}

/** A vector: its length, then its items. */
function vector(items: readonly (readonly number[])[]): number[] {
  const bytes = unsignedLeb128(items.length);
  for (const item of items) for (const b of item) bytes.push(b);
  return bytes;
}

/** A name: its UTF-8 length, then its bytes. */
function encodeName(text: string): number[] {
  const utf8 = new TextEncoder().encode(text);
  return [...unsignedLeb128(utf8.length), ...utf8];
}

/** Appends without spreading large arrays into calls (which would overflow the stack). */
class ByteSink {
  private readonly parts: number[] = [];

  append(bytes: readonly number[]): void {
    for (const b of bytes) this.parts.push(b);
  }

  section(id: number, content: readonly number[]): void {
    this.parts.push(id);
    this.append(unsignedLeb128(content.length));
    this.append(content);
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(this.parts);
  }
}
