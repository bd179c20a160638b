/**
 * What a simulator answers in each fault mode, declared once instead of a switch in every simulator: `transient`
 * answers in turn (an overloaded provider fails either way, e.g. its proxy's 503, then its own error), `timeout`
 * holds the request until the client gives up and then answers, `permanent` answers the provider's refusal. A mode
 * left out reaches the simulator's own handler, which finds the decision there (`c.get('fault')`, or `decision`).
 */
import type { HonoRequest, MiddlewareHandler } from 'hono';
import type { FaultDecision, FaultInjector } from './faults.ts';

/**
 * One answer: a web Response, made for the request that drew the fault. In hono that request is `c.req`, whose
 * `json()` still answers when a middleware before has read the body.
 */
export type FaultAnswer<Incoming = HonoRequest> = (request: Incoming) => Response | Promise<Response>;

export interface FaultAnswers<Incoming = HonoRequest> {
  /** Answered in turn, one per transient fault. */
  transient?: readonly [FaultAnswer<Incoming>, ...FaultAnswer<Incoming>[]];
  permanent?: FaultAnswer<Incoming>;
  /** Answered once the held request is let go (the client has usually gone by then). */
  timeout?: FaultAnswer<Incoming>;
}

/** What playing the fault came to: the answer to send, or none when the simulator's handler answers. */
export interface PlayedFault {
  decision: FaultDecision;
  answer: Response | undefined;
}

/** The proxy in front of an overloaded service: 503, try again in a second. */
export const serviceUnavailable = (): Response =>
  new Response('Service Unavailable', { status: 503, headers: { 'content-type': 'text/plain; charset=UTF-8', 'retry-after': '1' } });

/** The usual answer after a held request: nobody is left to read it. */
export const gatewayTimeout = (): Response => new Response(null, { status: 504 });

/**
 * The fault player for one set of answers, framework-free (a raw node:http server passes its IncomingMessage):
 * each call decides one request's fate, after the configured latency, and answers it or leaves it to the caller.
 * `signal` ends a held request when the client goes away.
 */
export function faultPlayer<Incoming>(
  faults: FaultInjector,
  answers: FaultAnswers<Incoming>,
): (request: Incoming, signal: AbortSignal) => Promise<PlayedFault> {
  let transientFaults = 0;
  return async function playFault(request, signal) {
    const decision = await faults.next();
    if (decision === 'transient' && answers.transient) {
      const answer = answers.transient[transientFaults % answers.transient.length] ?? answers.transient[0];
      transientFaults += 1;
      return { decision, answer: await answer(request) };
    }
    if (decision === 'timeout' && answers.timeout) {
      await faults.hang(signal);
      return { decision, answer: await answers.timeout(request) };
    }
    if (decision === 'permanent' && answers.permanent) return { decision, answer: await answers.permanent(request) };
    return { decision, answer: undefined };
  };
}

/** The decision a fault middleware leaves for the handlers after it: `c.get('fault')`. */
export interface FaultEnv {
  Variables: { fault: FaultDecision };
}

/** Hono middleware playing the injected faults before the routes it guards; see faultPlayer. */
export function faultMiddleware(faults: FaultInjector, answers: FaultAnswers): MiddlewareHandler<FaultEnv> {
  const play = faultPlayer(faults, answers);
  return async function injectedFault(c, next) {
    const { decision, answer } = await play(c.req, c.req.raw.signal);
    if (answer) return answer;
    c.set('fault', decision);
    await next();
  };
}
