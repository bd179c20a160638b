/**
 * The portal session of an instance: one login, reused by every call until the portal refuses it. Logins are
 * single-flight: callers that need a session while a login is under way wait for that login rather than start
 * their own. Kept in a module-level map keyed by instance id (the gateway runs one instance per id); a changed
 * account or URL for the same id starts a fresh slot.
 */
import { createHash } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import * as v from 'valibot';
import { PermanentError, RetryableError, hostOf, requestJson } from '../../core/sdk/index.ts';
import { answerOf, answerShape, errorOf, LOGIN_REFUSED, type PortalAnswer, rowOf, transportFailure } from './answer-codes.ts';
import { endpointOf, type PortalConfig } from './config.ts';

export interface SessionTarget {
  instance: string;
  config: PortalConfig;
  http: AxiosInstance;
}

interface SessionSlot {
  account: string;
  session?: string;
  login?: Promise<string>;
  /** Logins started for this slot (tests and diagnostics). */
  logins: number;
}

const slots = new Map<string, SessionSlot>();

function accountOf(config: PortalConfig): string {
  return createHash('sha256')
    .update([config.adapterUrl, config.authPath, config.username, config.dstcode, config.password.reveal()].join('\n'))
    .digest('hex');
}

function slotOf(target: SessionTarget): SessionSlot {
  const account = accountOf(target.config);
  const found = slots.get(target.instance);
  if (found && found.account === account) return found;
  const slot: SessionSlot = { account, logins: 0 };
  slots.set(target.instance, slot);
  return slot;
}

const loginShape = v.looseObject({ session: v.pipe(v.string(), v.trim(), v.nonEmpty()) });

/**
 * Logs in. A login refused for good (by the portal's answer or an HTTP 4xx) is LOGIN_REFUSED whatever the
 * portal said: the account or its settings are wrong, and no other call could fare better.
 */
async function logIn(target: SessionTarget, slot: SessionSlot): Promise<string> {
  const { config, http } = target;
  const host = hostOf(config.adapterUrl, { unknown: 'the portal' });
  slot.logins += 1;
  let answer: PortalAnswer;
  try {
    const response = await requestJson(http, {
      url: endpointOf(config, config.authPath),
      body: { username: config.username, password: config.password.reveal() },
      headers: { dstcode: config.dstcode },
      answer: answerShape,
      // No caller's signal: the login is shared, one caller giving up must not fail it for the others.
      signal: undefined,
      timeoutMs: config.timeoutMs,
    });
    answer = answerOf(response.answer);
  } catch (error) {
    const failure = transportFailure(error);
    if (failure instanceof PermanentError) throw new PermanentError(`login to ${host} refused: ${failure.message}`, { code: LOGIN_REFUSED.code });
    throw failure;
  }
  const row = rowOf(answer, config);
  if (row.verdict !== 'ok') {
    // Only a busy or unknown answer may go another way next time; every other refusal is of the account.
    throw errorOf(row.verdict === 'retryable' ? row : LOGIN_REFUSED, answer, 'the login');
  }
  const session = v.safeParse(loginShape, answer.body);
  if (!session.success) throw new RetryableError(`the login answer from ${host} carries no session`, { code: 'MALFORMED_ANSWER' });
  return session.output.session;
}

/** The instance's session: the current one, the login under way, or a new login. */
export function sessionFor(target: SessionTarget): Promise<string> {
  const slot = slotOf(target);
  if (slot.session !== undefined) return Promise.resolve(slot.session);
  if (slot.login) return slot.login;
  const login = logIn(target, slot).then(
    (session) => {
      if (slot.login === login) {
        slot.session = session;
        slot.login = undefined;
      }
      return session;
    },
    (error: unknown) => {
      if (slot.login === login) slot.login = undefined;
      throw error;
    },
  );
  slot.login = login;
  return login;
}

/**
 * Forgets a session the portal refused, unless another caller already replaced it: of many calls refused with
 * one expired session, only the first causes a login, the others wait for it.
 */
export function dropSession(target: SessionTarget, refused: string): void {
  const slot = slotOf(target);
  if (slot.session === refused) slot.session = undefined;
}

/** How many logins the instance made (for tests and diagnostics). */
export function loginsOf(instance: string): number {
  return slots.get(instance)?.logins ?? 0;
}

/** Forgets every session (tests). */
export function forgetSessions(): void {
  slots.clear();
}
