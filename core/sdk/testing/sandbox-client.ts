/**
 * A client of a running sandbox for whole-gateway tests: the unified API called with the sandbox's client key, the
 * messages read back, and the simulators' URLs to rehearse an outage with (`POST <simulator>/__control`).
 */
import type { messageView } from '../../http/views.ts';
import type { MessageStatus } from '../../store/types.ts';

/** Where a sandbox listens, its simulators (by plugin id) and the keys it made or was given. */
export interface SandboxAddress {
  url: string;
  simulators: Record<string, string>;
  keys: { client: string; operator: string };
}

/** A message as `GET /v1/messages/{id}` shows it. */
export type MessageView = ReturnType<typeof messageView>;

export interface CallOptions {
  /** Sent as `Idempotency-Key`. */
  idempotencyKey?: string;
  /** Which of the sandbox's keys calls. Default `client`. */
  as?: 'client' | 'operator';
}

export interface SandboxClient extends SandboxAddress {
  /** `POST /v1/{capability}/{operation}` with `body` as JSON; the answer as it came (200, 202, 400 …). */
  call(capability: string, operation: string, body: Record<string, unknown>, options?: CallOptions): Promise<Response>;
  /** The message as its caller sees it; fails unless the gateway answers 200. */
  message(id: string): Promise<MessageView>;
  /**
   * Reads the message until it is in `status`, and answers it then. Fails when it settles in another final status
   * (succeeded or dead), or is still not there after `timeoutMs` (default 30 s).
   */
  waitFor(id: string, status: MessageStatus, options?: { timeoutMs?: number }): Promise<MessageView>;
  /** `GET` of an admin path (`/admin/v1/…`) with the operator key; fails unless the gateway answers 200. */
  admin<T = unknown>(path: string): Promise<T>;
}

const FINAL: readonly MessageStatus[] = ['succeeded', 'dead'];

export function sandboxClient(address: SandboxAddress): SandboxClient {
  const bearer = (as: 'client' | 'operator' = 'client') => ({ authorization: `Bearer ${address.keys[as]}` });
  async function read<T>(path: string, as: 'client' | 'operator'): Promise<T> {
    const answer = await fetch(`${address.url}${path}`, { headers: bearer(as) });
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${await answer.text()}`);
    return (await answer.json()) as T;
  }
  const message = (id: string) => read<MessageView>(`/v1/messages/${encodeURIComponent(id)}`, 'client');
  return {
    url: address.url,
    simulators: address.simulators,
    keys: address.keys,
    call(capability, operation, body, options = {}) {
      const headers: Record<string, string> = { ...bearer(options.as), 'content-type': 'application/json' };
      if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
      return fetch(`${address.url}/v1/${capability}/${operation}`, { method: 'POST', headers, body: JSON.stringify(body) });
    },
    message,
    async waitFor(id, status, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 30_000);
      for (;;) {
        const view = await message(id);
        if (view.status === status) return view;
        if (FINAL.includes(view.status)) throw new Error(`message ${id} is ${view.status}, not ${status}: ${view.lastError ?? 'no error'}`);
        if (Date.now() > deadline) throw new Error(`message ${id} is still ${view.status} after ${view.attempts} attempt(s), not ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    admin: <T>(path: string) => read<T>(path, 'operator'),
  };
}
