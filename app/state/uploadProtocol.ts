/**
 * The messages between the page and the upload worker, and the worker's whole job as a plain
 * function (`answerReadRequest`), so tests run it without a Worker.
 */
import { clipForMessage } from '../tensors/bounded';
import { TensorFileError, type Tensor } from '../tensors/tensor';
import type { InputName } from '../problem';
import { fileLabel, readTensorFile } from './uploads';

export interface ReadRequest {
  id: number;
  input: InputName;
  fileName: string;
  /** The File itself: the worker reads its bytes, so not even that copy happens on the page. */
  file: Blob;
}

export type ReadResponse =
  { id: number; ok: true; tensor: Tensor } | { id: number; ok: false; message: string };

/** The response, and the buffers to transfer with it (the tensor's data, never copied). */
export interface ReadAnswer {
  response: ReadResponse;
  transfer: Transferable[];
}

/** Reads the file and parses it as `input`; every failure becomes a message naming the file. */
export async function answerReadRequest(request: ReadRequest): Promise<ReadAnswer> {
  const { id, input, fileName, file } = request;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const tensor = readTensorFile(bytes, fileName, input);
    const { data } = tensor;
    // Decoded data owns its buffer; anything else (a view into the file) is copied first, so that
    // transferring it never sends, or detaches, more than the tensor.
    const owned =
      data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
    return {
      response: { id, ok: true, tensor: { ...tensor, data: owned } },
      transfer: [owned.buffer],
    };
  } catch (error) {
    if (error instanceof TensorFileError) {
      return { response: { id, ok: false, message: error.message }, transfer: [] };
    }
    // Not a refusal of the file but a failure reading it (out of memory, a bug): still a sentence.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      response: {
        id,
        ok: false,
        message: `${fileLabel(fileName)}: could not be read (${clipForMessage(reason)}).`,
      },
      transfer: [],
    };
  }
}
