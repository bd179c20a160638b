import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import * as v from 'valibot';
import { startChild } from './children.ts';
import { type LoadResult, type LoadShape, assertOnlyExpected, measureLoad } from './load.ts';

export const AGENCY = '000.00.01.H22';
/** One valid SMS request; the raw baseline gets the very same bytes. */
const SMS_BODY = JSON.stringify({ agency: AGENCY, to: '0981234567', text: 'Ho so 000.00.01.H22-250101-0001 da co ket qua. Moi ong/ba den nhan tai Bo phan mot cua.' });

const rawReady = v.object({ url: v.string() });
const sandboxReady = v.object({ url: v.string(), keys: v.object({ client: v.string() }) });

export interface AcceptBench {
  load: LoadResult;
  /** 202s over the warm-up and the measured run: each one promised a message on disk. */
  answered202: number;
  /** SMS messages in the SQLite file after the sandbox was killed with SIGKILL, by status. */
  stored: { total: number; byStatus: Record<string, number> };
}

function smsRequest(url: string, key: string) {
  return {
    url: `${url}/v1/sms/send`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: SMS_BODY,
    expectStatus: 202,
  };
}

/** The ceiling: bare Hono answering the same request, in a child process. */
export async function benchRawHono(shape: LoadShape): Promise<LoadResult> {
  const server = await startChild('bench/raw-hono-server.ts', {});
  try {
    const { url } = v.parse(rawReady, server.ready);
    const load = await measureLoad(smsRequest(url, 'bench'), shape);
    assertOnlyExpected('raw Hono', load, 202);
    return load;
  } finally {
    await server.stop();
  }
}

/**
 * The gateway's durable accept: `POST /v1/sms/send` against the sandbox (all plugins, echo SMS, its worker
 * delivering meanwhile) on a fresh SQLite file. Afterwards the child is killed with SIGKILL, so the count
 * read from the file shows what a 202 promised was on disk, not in the process's memory.
 */
export async function benchGatewayAccept(shape: LoadShape, dir: string): Promise<AcceptBench> {
  const file = join(dir, 'accept.db');
  const sandbox = await startChild('tests/support/sandbox-main.ts', { LIENTHONG_DB: file });
  try {
    const { url, keys } = v.parse(sandboxReady, sandbox.ready);
    const load = await measureLoad(smsRequest(url, keys.client), shape);
    assertOnlyExpected('gateway accept', load, 202);
    sandbox.child.kill('SIGKILL');
    await sandbox.stop();
    const answered202 = load.warmup.succeeded + load.measured.succeeded;
    const stored = await countSmsMessages(file);
    if (stored.total < answered202) {
      throw new Error(`durability: ${answered202} requests were answered 202 but only ${stored.total} messages are in ${file}`);
    }
    return { load, answered202, stored };
  } catch (error) {
    const tail = sandbox.stderr().trim();
    throw tail ? new Error(`${error instanceof Error ? error.message : String(error)}\n--- sandbox stderr ---\n${tail}`, { cause: error }) : error;
  } finally {
    await sandbox.stop();
  }
}

/** Reads the file on a read-only connection of its own: the gateway's store is not involved. */
async function countSmsMessages(file: string): Promise<{ total: number; byStatus: Record<string, number> }> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(opened)));
  });
  try {
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      db.all("SELECT status, COUNT(*) AS count FROM messages WHERE capability = 'sms' GROUP BY status", (error, found) =>
        error ? reject(error) : resolve(found),
      );
    });
    const counts = v.parse(v.array(v.object({ status: v.string(), count: v.number() })), rows);
    const byStatus = Object.fromEntries(counts.map((row) => [row.status, row.count]));
    return { total: counts.reduce((sum, row) => sum + row.count, 0), byStatus };
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}
