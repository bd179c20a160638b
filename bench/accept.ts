import { join } from 'node:path';
import { type ChildServer, explained, startChild, urlReady } from './children.ts';
import { waitForEmptyQueues } from './gateway-queues.ts';
import { type LoadResult, type LoadShape, assertOnlyExpected, measureLoad } from './load.ts';
import { startSandboxChild } from './sandbox-child.ts';
import { type SmsCounts, countSmsMessages } from './sms-count.ts';

export const AGENCY = '000.00.01.H22';
/** One valid SMS request; the raw baseline and the plain INSERT peer (bench/peers) get the very same bytes. */
export const SMS_BODY = JSON.stringify({ agency: AGENCY, to: '0981234567', text: 'Ho so 000.00.01.H22-250101-0001 da co ket qua. Moi ong/ba den nhan tai Bo phan mot cua.' });

/** The three servers every round measures, in this order. */
export type MeasurementKey = 'raw' | 'acceptHeld' | 'acceptDelivering';

export const LABELS: Record<MeasurementKey, string> = {
  raw: 'raw Hono, POST /v1/sms/send',
  acceptHeld: '(a) gateway accept, delivery held back',
  acceptDelivering: '(b) gateway accept while delivering',
};

/** For (a): a token bucket of one attempt per 1000 s, so the worker claims one message and then nothing. */
export const HOLD_BACK_ENV = { LIENTHONG_TEST_DELIVERY: JSON.stringify({ ratePerSecond: 0.001 }) };

export interface Target {
  key: MeasurementKey;
  server: ChildServer;
  /** A warm-up and a measured run; throws unless every answer in both was a 202. */
  measure(shape: LoadShape): Promise<LoadResult>;
}

export interface Durability {
  /** 202s over every warm-up and measured run of every round: each one promised a message on disk. */
  answered202: number;
  /** SMS messages in the SQLite file after the child was killed with SIGKILL. */
  stored: SmsCounts;
}

export interface AcceptTarget extends Target {
  /** For a child that delivers: resolves, with the seconds waited, once its worker has delivered everything. */
  waitUntilDelivered(): Promise<number>;
  /** SIGKILL, then the file's SMS rows counted read-only; throws if there are fewer than the 202s answered. */
  killAndCount(): Promise<Durability>;
}

export interface Servers {
  raw: Target;
  acceptHeld: AcceptTarget;
  acceptDelivering: AcceptTarget;
}

/** Starts the three children one after the other; they live until the last round is over. */
export async function startServers(dir: string): Promise<Servers> {
  const raw = await startRawHono();
  const acceptHeld = await startGatewayAccept('acceptHeld', join(dir, 'accept-held.db'), HOLD_BACK_ENV);
  const acceptDelivering = await startGatewayAccept('acceptDelivering', join(dir, 'accept-delivering.db'), {});
  return { raw, acceptHeld, acceptDelivering };
}

/** The ceiling: bare Hono answering the same request, in a child process. */
async function startRawHono(): Promise<Target> {
  const server = await startChild('bench/raw-hono-server.ts', {}, urlReady);
  const { url } = server.ready;
  return { key: 'raw', server, measure: (shape) => explained(server, () => load202('raw', url, 'bench', shape)) };
}

/**
 * The gateway's durable accept: `POST /v1/sms/send` against the sandbox (all plugins, echo SMS in the same
 * process) on a fresh SQLite file of its own. Killed with SIGKILL at the end, so the count read from the file
 * shows what a 202 promised was on disk, not in the process's memory.
 */
async function startGatewayAccept(key: 'acceptHeld' | 'acceptDelivering', file: string, env: Record<string, string>): Promise<AcceptTarget> {
  const server = await startSandboxChild({ ...env, LIENTHONG_DB: file });
  const { url, keys } = server.ready;
  let answered202 = 0;
  return {
    key,
    server,
    measure: (shape) =>
      explained(server, async () => {
        const load = await load202(key, url, keys.client, shape);
        answered202 += load.warmup.succeeded + load.measured.succeeded;
        return load;
      }),
    waitUntilDelivered: () => explained(server, () => waitForEmptyQueues(server.ready)),
    killAndCount: () =>
      explained(server, async () => {
        server.child.kill('SIGKILL');
        await server.stop();
        const stored = await countSmsMessages(file);
        if (stored.total < answered202) {
          throw new Error(`durability, ${LABELS[key]}: ${answered202} requests were answered 202 but only ${stored.total} messages are in ${file}`);
        }
        return { answered202, stored };
      }),
  };
}

async function load202(key: MeasurementKey, url: string, bearer: string, shape: LoadShape): Promise<LoadResult> {
  const request = {
    url: `${url}/v1/sms/send`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: SMS_BODY,
    expectStatus: 202,
  };
  const load = await measureLoad(request, shape);
  assertOnlyExpected(LABELS[key], load, 202);
  return load;
}
