/**
 * A kernel's WGSL that the browser's WGSL compiler rejected. The mask compiler checks every limit
 * of the language before it emits WGSL, so a program it accepted must always build: a rejection is
 * flexmask's bug, never the user's. The message says so and quotes only a short excerpt of the
 * browser's own text (which speaks of WGSL the user never wrote); the full text stays on the
 * error for a bug report.
 */

/** One message of `getCompilationInfo()`, or a pipeline creation failure (line 0). */
export interface CompilerMessage {
  message: string;
  lineNum: number;
  linePos: number;
}

const EXCERPT_CHARS = 160;
const LINE_CHARS = 80;

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export class KernelBuildError extends Error {
  /** Every compiler message in full, for a bug report (never shown as the error's text). */
  readonly details: string[];

  constructor(
    readonly kernel: string,
    messages: CompilerMessage[],
    code: string,
  ) {
    super(kernelBuildMessage(kernel, messages, code));
    this.name = 'KernelBuildError';
    this.details = messages.map((m) => `${kernel}:${m.lineNum}:${m.linePos}: ${m.message}`);
  }
}

/** The page's message for a kernel that did not build: flexmask's bug, with a short excerpt. */
export function kernelBuildMessage(
  kernel: string,
  messages: CompilerMessage[],
  code: string,
): string {
  const first = messages[0] as CompilerMessage | undefined;
  let where = '';
  if (first && first.lineNum > 0) {
    const line = code.split('\n')[first.lineNum - 1] ?? '';
    where = ` at WGSL line ${first.lineNum} ("${excerpt(line, LINE_CHARS)}")`;
  }
  const said = first ? `: ${excerpt(first.message, EXCERPT_CHARS)}` : '';
  return (
    `flexmask could not build its GPU kernel ${kernel} for this program. This is a bug in ` +
    'flexmask, not in your program: its compiler accepted the program, so the kernel must build. ' +
    `Please report it with the program's text. (The browser's WGSL compiler said${where}${said})`
  );
}
