/** Starting a simulator's server, and stopping it promptly even while it holds requests. */
import type { Server } from 'node:http';
import type { FaultInjector } from './faults.ts';

/**
 * Starts `server` on `host:port` (0: a free port) and answers its URL and a `close()` that also ends the
 * requests the fault injector holds and the connections left open, so a simulator always stops promptly.
 */
export async function listen(server: Server, options: { host: string; port: number }, faults: FaultInjector) {
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address !== null && typeof address === 'object') resolve(address.port);
      else reject(new Error('the simulator has no TCP address'));
    });
  });
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        faults.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
