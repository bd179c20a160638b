import pg from 'pg';

/** The channel migration 003's trigger notifies when messages are inserted. */
export const NEW_WORK_CHANNEL = 'lienthong_work';
const RECONNECT_MS = 1000;

/**
 * One connection of its own that LISTENs for new messages stored by any process, and calls `onWork` with their
 * instances. A lost connection is opened again after a second; what was stored meanwhile the worker's poll finds.
 */
export class NewWorkListener {
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    /** `from`: the server process of the session whose transaction stored the messages. */
    private readonly onWork: (instances: string[], from: number) => void,
  ) {}

  start(): void {
    if (!this.#client && !this.#retry) void this.#connect();
  }

  async #connect(): Promise<void> {
    this.#retry = undefined;
    if (this.#closed) return;
    const client = new pg.Client(this.config);
    this.#client = client;
    const lost = () => this.#lost(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (notice) => {
      if (notice.channel === NEW_WORK_CHANNEL) this.onWork(instancesOf(notice.payload), notice.processId);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NEW_WORK_CHANNEL}`);
    } catch {
      lost();
      return;
    }
    // Closed while it connected: a connection left open would keep the process alive.
    if (this.#closed) await client.end().catch(() => undefined);
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    if (this.#closed) return;
    this.#retry = setTimeout(() => void this.#connect(), RECONNECT_MS);
    this.#retry.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/** The instances a notification names; none (wake for all) when it cannot be read. */
function instancesOf(payload: string | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(payload ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
