// Drains clients when a Node process is about to exit on its own ('beforeExit': the event loop
// ran empty). Their requests then keep the loop alive until delivered, and 'beforeExit' fires again
// once they are done. One listener for all clients; nothing happens outside Node.
interface Drainable {
  readonly hasPendingWork: boolean;
  flush(): Promise<void>;
}

const clients = new Set<Drainable>();
let installed = false;

interface ProcessLike {
  on?: (event: 'beforeExit', listener: () => void) => unknown;
}

function nodeProcess(): ProcessLike | undefined {
  const candidate = (globalThis as { process?: ProcessLike }).process;
  return typeof candidate?.on === 'function' ? candidate : undefined;
}

function onBeforeExit(): void {
  for (const client of clients) if (client.hasPendingWork) void client.flush();
}

/** Registers a client for the exit drain; returns the function that unregisters it. */
export function drainOnExit(client: Drainable): () => void {
  const proc = nodeProcess();
  if (proc === undefined) return () => {};
  if (!installed) {
    proc.on?.('beforeExit', onBeforeExit);
    installed = true;
  }
  clients.add(client);
  return () => clients.delete(client);
}

/** Whether an exit drain can run here (Node), so the client may let its batching timer not hold the process open. */
export function exitDrainAvailable(): boolean {
  return nodeProcess() !== undefined;
}
