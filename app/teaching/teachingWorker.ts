/// <reference lib="webworker" />
/**
 * The teaching panels' float64 work, off the main thread: explaining a cell (the reference's
 * explanation and the traces of mask_mod and score_mod) and walking a query block through the
 * kernel. The page keeps a deadline and replaces this worker if it fails to answer
 * (teachingClient.ts).
 */
import { createTeachingAnswerer } from './answer';
import type { TeachingMessage } from './protocol';

const answerer = createTeachingAnswerer();

self.onmessage = (event: MessageEvent<TeachingMessage>) => {
  const response = answerer.receive(event.data);
  if (response) (self as unknown as Worker).postMessage(response);
};
