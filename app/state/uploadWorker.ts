/// <reference lib="webworker" />
/**
 * Reading uploads off the main thread: the page posts a File, this worker reads and parses it
 * (.npy, .safetensors or JSON) and posts back the tensor with its data buffer transferred, or the
 * message saying why the file was refused. The page keeps a deadline and replaces this worker if
 * it does not answer in time (uploadClient.ts).
 */
import { answerReadRequest, type ReadRequest } from './uploadProtocol';

self.onmessage = async (event: MessageEvent<ReadRequest>) => {
  const { response, transfer } = await answerReadRequest(event.data);
  (self as unknown as Worker).postMessage(response, transfer);
};
