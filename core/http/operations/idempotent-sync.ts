import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { GatewayContext } from '../../gateway-context.ts';
import { derivedMessageId } from '../../ids.ts';
import type { AppEnv } from '../env.ts';
import { ProblemError, problemResponse } from '../problem.ts';

export interface IdempotencyClaim {
  scope: string;
  key: string;
  requestHash: string;
}

export const idempotencyConflict = () =>
  new ProblemError({ status: 422, title: 'Idempotency-Key reused', kind: 'idempotency-conflict', detail: 'this Idempotency-Key was used with another request' });

/**
 * A sync call made with an Idempotency-Key: a repeat gets the first answer, a call while the first is still running
 * gets 409, and the provider hears every try of one request under one message id. `call` makes the provider call.
 */
export class IdempotentSync {
  readonly #inFlight = new Set<string>();

  constructor(private readonly gateway: GatewayContext) {}

  async answer(c: Context<AppEnv>, claim: IdempotencyClaim, binary: boolean, call: (messageId: string) => Promise<Response>): Promise<Response> {
    const { store, clock } = this.gateway;
    const stored = await store.getStoredResponse(claim.scope, claim.key);
    // A key first used by an async request holds no answer: it is that request's, not this one's.
    if (stored && (stored.requestHash !== claim.requestHash || stored.status === null || stored.body === null)) throw idempotencyConflict();
    if (stored?.body) {
      const contentType = stored.status === 200 ? 'application/json' : 'application/problem+json';
      return c.body(stored.body, (stored.status ?? 200) as ContentfulStatusCode, { 'content-type': contentType, 'idempotent-replayed': 'true' });
    }
    const inFlightKey = `${claim.scope}\n${claim.key}`;
    if (this.#inFlight.has(inFlightKey)) {
      throw new ProblemError({ status: 409, title: 'Request in progress', kind: 'idempotency-in-progress', detail: 'a request with this Idempotency-Key is still running' });
    }
    this.#inFlight.add(inFlightKey);
    try {
      // The same request under the same key: the provider hears it under the first call's id. Another body under
      // the key (after a 502, nothing is stored) is another request, and gets another id.
      const messageId = derivedMessageId(`${claim.scope}\n${claim.key}\n${claim.requestHash}`);
      const response = await call(messageId).catch((error: unknown) => {
        // A refusal is the provider's final answer to this request: a repeat gets it again, as a success does.
        if (error instanceof ProblemError && error.problem.kind === 'provider-refused') return problemResponse(c, error.problem);
        throw error;
      });
      // A file is not kept: the store holds text bodies without their headers, so a repeat fetches it again.
      if ((response.status === 200 && !binary) || response.status === 422) {
        await store.storeResponse(claim.scope, claim.key, {
          requestHash: claim.requestHash,
          status: response.status,
          body: await response.clone().text(),
          createdAt: clock.now(),
        });
      }
      return response;
    } finally {
      this.#inFlight.delete(inFlightKey);
    }
  }
}
