/** The messages between the page and the compile worker. */
import type { CompiledData } from './compile';
import type { MaskErrorKind } from './errors';
import type { SourceSpan } from './types';

export interface CompileRequest {
  id: number;
  source: string;
}

/** A MaskCompileError's parts (the page rebuilds the error with the source it sent). */
export interface CompileErrorData {
  span: SourceSpan;
  kind: MaskErrorKind;
  detail: string;
  traceback?: string;
}

export type CompileResponse =
  { id: number; ok: true; data: CompiledData } | { id: number; ok: false; error: CompileErrorData };
