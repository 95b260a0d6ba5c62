/**
 * Ends the current main-thread task and resumes in a new one, so that work cut into pieces leaves
 * the page free to paint and take input between them. A message to itself rather than
 * setTimeout(0), which the browser delays by 4 ms once timeouts nest.
 */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
