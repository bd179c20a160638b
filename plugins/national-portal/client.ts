/**
 * One service call to the portal's adapter: `POST {adapterUrl}{integrationPath}` with
 * `{ session, madonvi, service, … }`, the instance's session reused, and a login again (once) when the portal
 * refuses the session. Answers the portal's answer and its row of the result table; the caller decides.
 */
import { RetryableError, requestJson } from '../../core/sdk/index.ts';
import { answerOf, answerShape, type PortalAnswer, type ResultRow, refusesSession, rowOf, transportFailure } from './answer-codes.ts';
import { endpointOf } from './config.ts';
import { dropSession, type SessionTarget, sessionFor } from './session.ts';

export type ServiceName = 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC' | 'TraCuuHoSo' | 'LayThuTuc' | 'LayDanhSachTTHC';

export interface CallTarget extends SessionTarget {
  signal: AbortSignal;
}

export interface ServiceAnswer {
  answer: PortalAnswer;
  row: ResultRow;
}

type Outcome = ServiceAnswer | 'session';

async function callOnce(target: CallTarget, session: string, body: Record<string, unknown>): Promise<Outcome> {
  const { config } = target;
  let answer: PortalAnswer;
  try {
    const response = await requestJson(target.http, {
      url: endpointOf(config, config.integrationPath),
      body: { session, ...body },
      answer: answerShape,
      signal: target.signal,
      timeoutMs: config.timeoutMs,
    });
    answer = answerOf(response.answer);
  } catch (error) {
    const failure = transportFailure(error);
    if (refusesSession(failure)) return 'session';
    throw failure;
  }
  const row = rowOf(answer, config);
  return row.verdict === 'session' ? 'session' : { answer, row };
}

/** Calls `service` for the agency's unit code `madonvi` with the service's own fields. */
export async function callService(
  target: CallTarget,
  madonvi: string,
  service: ServiceName,
  fields: Record<string, unknown>,
): Promise<ServiceAnswer> {
  const body = { madonvi, service, ...fields };
  const first = await sessionFor(target);
  const outcome = await callOnce(target, first, body);
  if (outcome !== 'session') return outcome;
  dropSession(target, first);
  const second = await sessionFor(target);
  const retried = await callOnce(target, second, body);
  if (retried !== 'session') return retried;
  dropSession(target, second);
  throw new RetryableError(`the portal refused a fresh session for ${service}`, { code: 'SESSION_REJECTED' });
}
