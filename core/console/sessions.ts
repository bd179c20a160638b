import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SessionOptions {
  /** A session unused for this long is over. Default 30 min. */
  idleMs?: number;
  /** A session is over this long after sign-in, however busy. Default 12 h. */
  maxMs?: number;
  /** At most this many sessions are kept; past it the least recently used goes. Default 10 000. */
  maxSessions?: number;
}

export interface ConsoleSession {
  /** The operator key's id, for the audit log and the page header. */
  keyId: string;
  /** The key's hash: the key is read from the store at every request, so a revoked key signs its sessions out. */
  keyHash: string;
  /** The form token every POST of this session carries. */
  csrfToken: string;
  signedInAt: number;
  lastSeenAt: number;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Console sessions, kept in this process's memory under the SHA-256 of a random cookie value (the cookie alone is
 * worth nothing once the session ends). A restart signs every operator out; several gateway processes behind one
 * address need the load balancer to keep an operator on one process.
 */
export class ConsoleSessions {
  readonly #sessions = new Map<string, ConsoleSession>();
  readonly #idleMs: number;
  readonly #maxMs: number;
  readonly #maxSessions: number;

  constructor({ idleMs = 30 * 60_000, maxMs = 12 * 3_600_000, maxSessions = 10_000 }: SessionOptions = {}) {
    this.#idleMs = idleMs;
    this.#maxMs = maxMs;
    this.#maxSessions = maxSessions;
  }

  /** A new session; the token goes in the cookie and is not kept. */
  open(key: { id: string; hash: string }, now: number): { token: string; session: ConsoleSession } {
    const token = randomBytes(32).toString('base64url');
    const session: ConsoleSession = { keyId: key.id, keyHash: key.hash, csrfToken: randomBytes(24).toString('base64url'), signedInAt: now, lastSeenAt: now };
    this.#sessions.set(digest(token), session);
    // A Map keeps insertion order and `find` re-inserts on use: the first entry is the least recently used.
    while (this.#sessions.size > this.#maxSessions) this.#sessions.delete(this.#sessions.keys().next().value as string);
    return { token, session };
  }

  /** The live session of a cookie value, its inactivity clock restarted; undefined (and forgotten) when over. */
  find(token: string | undefined, now: number): ConsoleSession | undefined {
    if (!token) return undefined;
    const id = digest(token);
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    this.#sessions.delete(id);
    if (now - session.lastSeenAt > this.#idleMs || now - session.signedInAt > this.#maxMs) return undefined;
    session.lastSeenAt = now;
    this.#sessions.set(id, session);
    return session;
  }

  close(token: string | undefined): ConsoleSession | undefined {
    if (!token) return undefined;
    const id = digest(token);
    const session = this.#sessions.get(id);
    this.#sessions.delete(id);
    return session;
  }

  get size(): number {
    return this.#sessions.size;
  }
}

/** Compares a posted form token with the expected one in constant time. */
export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
