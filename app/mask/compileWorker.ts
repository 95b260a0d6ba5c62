/// <reference lib="webworker" />
/**
 * Compiling off the main thread: the page posts program text, this worker evaluates, traces and
 * emits WGSL under the evaluator's budget, and posts back plain data (or the error's parts). A
 * program that would run long is stopped by the budget here; the page also keeps a deadline of
 * its own and replaces this worker if it ever fails to answer (compileClient.ts).
 */
import { compileToData } from './compile';
import type { CompileRequest, CompileResponse } from './compileProtocol';
import { MaskCompileError } from './errors';

self.onmessage = (event: MessageEvent<CompileRequest>) => {
  const { id, source } = event.data;
  let response: CompileResponse;
  try {
    response = { id, ok: true, data: compileToData(source) };
  } catch (error) {
    if (error instanceof MaskCompileError) {
      const { span, kind, detail, traceback } = error;
      response = { id, ok: false, error: { span, kind, detail, traceback } };
    } else {
      const detail = `internal compiler error: ${error instanceof Error ? error.message : String(error)}`;
      response = {
        id,
        ok: false,
        error: { span: { start: 0, end: 0 }, kind: 'LimitError', detail },
      };
    }
  }
  (self as unknown as Worker).postMessage(response);
};
