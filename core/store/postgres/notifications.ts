import pg from 'pg';

/** The channel migration 003's trigger notifies when messages are inserted. */
export const NEW_WORK_CHANNEL = 'lienthong_work';
/** The channel migration 004's trigger notifies when API keys are created, revoked or removed. */
export const KEYS_CHANNEL = 'lienthong_keys';
const RECONNECT_MS = 1000;

export interface NotificationHandlers {
  /** New messages stored by any process, for `instances`; `from`: the server process of the session that stored them. */
  work(instances: string[], from: number): void;
  /** An API key was written by any process. */
  keysChanged(): void;
  /** Listening began (true), or the connection was lost (false): what was notified meanwhile was not heard. */
  listening(on: boolean): void;
}

/**
 * One connection of its own that LISTENs for what other processes wrote: new messages and API keys. A lost
 * connection is opened again after a second; what was stored meanwhile the worker's poll finds, and the key cache
 * (key-cache.ts) is not trusted until listening again.
 */
export class Notifications {
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly on: NotificationHandlers,
  ) {}

  start(): void {
    if (!this.#client && !this.#retry && !this.#closed) void this.#connect();
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
      if (notice.channel === NEW_WORK_CHANNEL) this.on.work(instancesOf(notice.payload), notice.processId);
      else if (notice.channel === KEYS_CHANNEL) this.on.keysChanged();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NEW_WORK_CHANNEL}; LISTEN ${KEYS_CHANNEL}`);
    } catch {
      lost();
      return;
    }
    // Closed while it connected: a connection left open would keep the process alive.
    if (this.#closed) await client.end().catch(() => undefined);
    else if (this.#client === client) this.on.listening(true);
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.on.listening(false);
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
    this.on.listening(false);
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
