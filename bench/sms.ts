/**
 * Issue 4's SMS figure: Viettel brandname SMS end to end through the gateway, beside a bare node-soap client
 * calling the same simulator, at the same concurrency, in one run.
 *
 * - bare: a node-soap client made once from the shipped WSDL (as a third party would: `createClientAsync(wsdl,
 *   { endpoint, request })`, over axios with a keep-alive agent of `concurrency` sockets, as the gateway's own
 *   outbound client is), in this process, calling wsCpMt on the Viettel simulator in a child process of its own;
 *   `messages` calls, `concurrency` in flight, each with its own numeric RequestID. Only answers with result 1
 *   count.
 * Each run starts on fresh connections (idle keep-alive sockets are dropped before it), so that none is reused
 * just as the server closes it after its 5 s keep-alive timeout.
 * - end to end: the sandbox child with the sms-viettel plugin (its simulator inside the sandbox process, as the
 *   sandbox runs it) and delivery concurrency `concurrency`, on a fresh SQLite file. The bench POSTs `messages`
 *   `sms/send` requests, `concurrency` in flight, and the clock runs from the first request until the gateway
 *   reports all of them succeeded.
 *
 * After every run the simulator's `/__received` must list each message exactly once, none refused; anything else
 * fails the bench. Rounds alternate bare and end to end against children kept for the whole run.
 *
 * With BENCH_SMS_SPLIT=1 each round also measures a diagnostic third figure: end to end as above, but with the
 * gateway's sms-viettel instance pointed at the bare figure's simulator child (bench/viettel-split-sandbox-main.ts),
 * so that the gateway's process no longer hosts the simulator. Off by default to keep the run short.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import axios from 'axios';
import { createClientAsync, type IOptions } from 'soap';
import * as v from 'valibot';
import { WSDL_PATH, type MtRequest } from '../plugins/sms-viettel/client.ts';
import { SERVICE_PATH } from '../plugins/sms-viettel/simulator/server.ts';
import type { SimulatorAccount } from '../plugins/sms-viettel/simulator/service.ts';
import { AGENCY } from './accept.ts';
import { type ChildServer, explained, startChild } from './children.ts';
import { watchCpu } from './cpu.ts';
import { type CpuUse, watchProcesses } from './proc-cpu.ts';
import { median } from './stats.ts';

/** End to end over bare, judged on the ratio of the medians. */
export const SMS_TARGET = 0.7;
/** The sandbox's instance of the plugin: the sandbox names each instance after its plugin. */
const INSTANCE = 'sms-viettel';
/** The simulator lists its newest 10,000 entries only (core/simulator-kit.ts): more could not be checked. */
const RECEIVED_LIST_LIMIT = 10_000;
/** A run that takes longer has stalled: fail rather than wait for ever. */
const RUN_TIMEOUT_MS = 60_000;
/** How often the bench asks the gateway whether everything was delivered; the end-to-end clock is this coarse. */
const POLL_MS = 20;
/** The national form the gateway turns 0981234567 into, as wsCpMt's ReceiverID wants it. */
const RECEIVER = '84981234567';

export interface SmsSettings {
  /** Messages per measured run, both figures. */
  messages: number;
  /** Calls in flight (bare), and both the POSTs in flight and the instance's delivery concurrency (end to end). */
  concurrency: number;
  rounds: number;
  /** Messages sent once through each path before the first round, not counted: JIT, sockets, SQLite pages. */
  warmup: number;
  /** The diagnostic figure with the simulator outside the gateway's process. */
  split: boolean;
}

function whole(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, not '${raw}'`);
  return value;
}

/** BENCH_SMS_MESSAGES (3000), BENCH_SMS_CONCURRENCY (16), BENCH_SMS_ROUNDS (3), BENCH_SMS_WARMUP (300), BENCH_SMS_SPLIT (off; 1). */
export function readSmsSettings(): SmsSettings {
  const settings = {
    messages: whole('BENCH_SMS_MESSAGES', 3000, 1),
    concurrency: whole('BENCH_SMS_CONCURRENCY', 16, 1),
    rounds: whole('BENCH_SMS_ROUNDS', 3, 1),
    warmup: whole('BENCH_SMS_WARMUP', 300, 0),
    split: process.env.BENCH_SMS_SPLIT === '1',
  };
  if (settings.messages > RECEIVED_LIST_LIMIT) throw new Error(`BENCH_SMS_MESSAGES is at most ${RECEIVED_LIST_LIMIT}: the simulator lists no more`);
  return settings;
}

/** What the simulator's `/__received` showed after one run. */
export interface SimulatorCheck {
  /** Distinct RequestIDs accepted: must equal the messages sent. */
  distinct: number;
  /** Arrivals beyond one per RequestID. Must be 0. */
  duplicates: number;
  /** Requests it refused. Must be 0. */
  refused: number;
}

export interface BareRun {
  messages: number;
  seconds: number;
  /** Answers with result 1 per second. */
  perSecond: number;
  /** % of one core: `bench` is the node-soap client (this process), `simulator` the simulator child. */
  cpu: CpuUse<'simulator' | 'sandbox'>;
  /** % of one core used meanwhile by anything but the bench and its two children; null without /proc. */
  outsidePercent: number | null;
  received: SimulatorCheck;
}

export interface EndToEndRun {
  messages: number;
  /** From the first POST until the gateway reported every message succeeded. */
  seconds: number;
  /** Delivered messages per second over `seconds`. */
  perSecond: number;
  /** From the first POST until the last 202. */
  acceptSeconds: number;
  acceptPerSecond: number;
  /** % of one core: `bench` posts and polls, `sandbox` is the gateway with the simulator in its process. */
  cpu: CpuUse<'simulator' | 'sandbox'>;
  /** % of one core used meanwhile by anything but the bench and its two children; null without /proc. */
  outsidePercent: number | null;
  received: SimulatorCheck;
  /** The instance's counts in `GET /admin/v1/instances` after the run, for the whole run so far. */
  gateway: Queue;
}

export interface SmsRound {
  bare: BareRun;
  endToEnd: EndToEndRun;
  /** This round's end to end over this round's bare. */
  ratio: number;
  /** BENCH_SMS_SPLIT=1 only: end to end with the simulator in its own child (the bare figure's), and its ratio. */
  split?: { run: EndToEndRun; ratio: number };
}

export interface SmsSpread {
  median: number;
  min: number;
  max: number;
}

export interface SmsBench {
  settings: SmsSettings;
  rounds: SmsRound[];
  bare: SmsSpread;
  endToEnd: SmsSpread;
  accept: SmsSpread;
  ratio: { ofMedians: number; perRound: number[]; target: number; met: boolean; roundsMet: number };
  /** BENCH_SMS_SPLIT=1 only: the diagnostic figure, not judged. */
  split?: { endToEnd: SmsSpread; ratioOfMedians: number };
}

const simulatorReady = v.object({ url: v.string() });
const sandboxReady = v.object({
  url: v.string(),
  simulators: v.record(v.string(), v.string()),
  keys: v.object({ client: v.string(), operator: v.string() }),
});
const mtAnswerShape = v.object({ return: v.object({ message: v.optional(v.string(), ''), result: v.union([v.number(), v.string()]) }) });
const receivedShape = v.array(
  v.union([
    v.object({ requestId: v.string(), content: v.string(), deliveries: v.number() }),
    v.object({ requestId: v.optional(v.string()), rejected: v.string() }),
  ]),
);
const queueShape = v.object({ queued: v.number(), processing: v.number(), dead: v.number(), succeeded: v.number() });
type Queue = v.InferOutput<typeof queueShape>;
const instancesShape = v.object({ instances: v.array(v.object({ id: v.string(), queue: queueShape })) });

/** The same kind of text both ways, numbered so that each message can be told from the others. */
const textOf = (n: number) => `Ho so 000.00.01.H22-250101-${String(n).padStart(6, '0')} da co ket qua. Moi ong/ba den nhan tai Bo phan mot cua.`;

export async function benchSms(dir: string, settings: SmsSettings, step: (what: string) => void): Promise<SmsBench> {
  const { messages, concurrency, rounds, warmup } = settings;
  const account: SimulatorAccount = {
    user: `bench_${randomBytes(3).toString('hex')}`,
    password: randomBytes(18).toString('base64url'),
    cpCode: 'CP_BENCH',
    brandname: 'LIENTHONG',
    commandCode: 'bulksms',
  };
  const delivery = { LIENTHONG_TEST_DELIVERY: JSON.stringify({ concurrency }), LIENTHONG_TEST_WORKER: '', LIENTHONG_TEST_ECHO_URL: '' };
  step(`SMS: starting the Viettel simulator child and the sandbox child with sms-viettel (delivery concurrency ${concurrency})`);
  const children: ChildServer[] = [];
  const started = async (script: string, env: Record<string, string>) => {
    const child = await startChild(script, env);
    children.push(child);
    return child;
  };
  try {
    const simulator = await started('bench/viettel-simulator-server.ts', { BENCH_VIETTEL_ACCOUNT: JSON.stringify(account) });
    const simulatorUrl = v.parse(simulatorReady, simulator.ready).url;
    const sandbox = await started('tests/support/sandbox-main.ts', { ...delivery, LIENTHONG_TEST_SMS_PLUGIN: 'sms-viettel', LIENTHONG_DB: join(dir, 'sms-viettel.db') });
    const splitSandbox = settings.split
      ? await started('bench/viettel-split-sandbox-main.ts', {
          ...delivery,
          BENCH_VIETTEL_URL: simulatorUrl,
          BENCH_VIETTEL_ACCOUNT: JSON.stringify(account),
          LIENTHONG_DB: join(dir, 'sms-viettel-split.db'),
        })
      : undefined;
    const all = children.map((child) => child.child.pid);
    const bare = await bareClient(simulatorUrl, account, concurrency, { simulator: simulator.child.pid, sandbox: sandbox.child.pid, all });
    const gateway = endToEnd(v.parse(sandboxReady, sandbox.ready), concurrency, { simulator: simulator.child.pid, sandbox: sandbox.child.pid, all });
    const split = splitSandbox && endToEnd(v.parse(sandboxReady, splitSandbox.ready), concurrency, { simulator: simulator.child.pid, sandbox: splitSandbox.child.pid, all });
    if (warmup > 0) {
      step(`SMS: warm-up, ${warmup} messages each way`);
      await explained(simulator, () => bare.run(warmup));
      await explained(sandbox, () => gateway.run(warmup));
      if (split && splitSandbox) await explained(splitSandbox, () => split.run(warmup));
    }
    const results: SmsRound[] = [];
    for (let n = 1; n <= rounds; n++) {
      step(`SMS round ${n}/${rounds}: bare node-soap client -> simulator child, ${messages} calls at concurrency ${concurrency}`);
      const bareRun = await explained(simulator, () => bare.run(messages));
      step(`SMS round ${n}/${rounds}: end to end through the gateway, ${messages} messages at concurrency ${concurrency}`);
      const endToEndRun = await explained(sandbox, () => gateway.run(messages));
      const round: SmsRound = { bare: bareRun, endToEnd: endToEndRun, ratio: endToEndRun.perSecond / bareRun.perSecond };
      if (split && splitSandbox) {
        step(`SMS round ${n}/${rounds}: diagnostic, end to end with the simulator in its own child`);
        const splitRun = await explained(splitSandbox, () => split.run(messages));
        round.split = { run: splitRun, ratio: splitRun.perSecond / bareRun.perSecond };
      }
      results.push(round);
    }
    return summarize(settings, results);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

function summarize(settings: SmsSettings, rounds: SmsRound[]): SmsBench {
  const spread = (values: number[]): SmsSpread => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });
  const bare = spread(rounds.map((round) => round.bare.perSecond));
  const endToEnd = spread(rounds.map((round) => round.endToEnd.perSecond));
  const perRound = rounds.map((round) => round.ratio);
  const ofMedians = endToEnd.median / bare.median;
  const result: SmsBench = {
    settings,
    rounds,
    bare,
    endToEnd,
    accept: spread(rounds.map((round) => round.endToEnd.acceptPerSecond)),
    ratio: { ofMedians, perRound, target: SMS_TARGET, met: ofMedians >= SMS_TARGET, roundsMet: perRound.filter((ratio) => ratio >= SMS_TARGET).length },
  };
  const splits = rounds.flatMap((round) => (round.split ? [round.split.run.perSecond] : []));
  if (splits.length === rounds.length && splits.length > 0) {
    const splitSpread = spread(splits);
    result.split = { endToEnd: splitSpread, ratioOfMedians: splitSpread.median / bare.median };
  }
  return result;
}

/** The run's two children by role, and every child of the SMS bench (for the CPU used outside it). */
interface Pids {
  simulator: number | undefined;
  sandbox: number | undefined;
  all: Array<number | undefined>;
}

/** The bare figure's client: one node-soap client, made once; RequestIDs count up over the whole bench. */
async function bareClient(simulatorUrl: string, account: SimulatorAccount, concurrency: number, pids: Pids) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  // One axios package, typed twice: node-soap sees its CommonJS declarations, the bench its ES module ones.
  const request = axios.create({ httpAgent: agent, proxy: false }) as unknown as IOptions['request'];
  const client = await createClientAsync(WSDL_PATH, { endpoint: `${simulatorUrl}${SERVICE_PATH}`, request });
  // node-soap adds `<operation>Async` from the WSDL; its typings say `any`, so it is checked and typed here.
  const method: unknown = Reflect.get(client, 'wsCpMtAsync');
  if (typeof method !== 'function') throw new Error('node-soap made no wsCpMtAsync from the shipped WSDL');
  const wsCpMt = (args: MtRequest) => (method as (args: MtRequest) => Promise<[unknown]>).call(client, args);
  let nextRequestId = 1;

  return {
    async run(messages: number): Promise<BareRun> {
      await clearReceived(simulatorUrl);
      agent.destroy();
      const first = nextRequestId;
      nextRequestId += messages;
      let succeeded = 0;
      const refusals: string[] = [];
      const cpu = watchProcesses({ simulator: pids.simulator, sandbox: pids.sandbox });
      const machine = watchCpu(pids.sandbox, pids.all.filter((pid) => pid !== pids.sandbox));
      const started = performance.now();
      await pool(messages, concurrency, async (n) => {
        const requestId = first + n;
        const [result] = await wsCpMt({
          User: account.user,
          Password: account.password,
          CPCode: account.cpCode,
          RequestID: String(requestId),
          UserID: RECEIVER,
          ReceiverID: RECEIVER,
          ServiceID: account.brandname,
          CommandCode: account.commandCode,
          Content: textOf(requestId),
          ContentType: '0',
        });
        const answer = v.safeParse(mtAnswerShape, result);
        if (answer.success && Number(answer.output.return.result) === 1) succeeded += 1;
        else refusals.push(answer.success ? `${answer.output.return.result}: ${answer.output.return.message}` : JSON.stringify(result));
      });
      const seconds = (performance.now() - started) / 1000;
      const used = cpu.stop();
      const outsidePercent = machine.stop()?.outsidePercent ?? null;
      if (succeeded !== messages) throw new Error(`bare node-soap: ${succeeded} of ${messages} calls answered result 1; e.g. ${refusals[0]}`);
      const received = await checkReceived(simulatorUrl, messages, 'bare node-soap');
      return { messages, seconds, perSecond: succeeded / seconds, cpu: used, outsidePercent, received };
    },
  };
}

/** The end-to-end figure's driver: POSTs over keep-alive sockets, then polls the gateway until all is delivered. */
function endToEnd(ready: v.InferOutput<typeof sandboxReady>, concurrency: number, pids: Pids) {
  const simulatorUrl = ready.simulators[INSTANCE];
  if (!simulatorUrl) throw new Error(`the sandbox started no ${INSTANCE} simulator: ${JSON.stringify(ready.simulators)}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const target = new URL(`${ready.url}/v1/sms/send`);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${ready.keys.client}` };
  let nextText = 1;

  return {
    async run(messages: number): Promise<EndToEndRun> {
      await clearReceived(simulatorUrl);
      const before = await smsQueue(ready.url, ready.keys.operator);
      if (before.queued + before.processing > 0) throw new Error(`end to end: the gateway still had work before the run: ${JSON.stringify(before)}`);
      agent.destroy();
      const first = nextText;
      nextText += messages;
      const texts = new Set<string>();
      const cpu = watchProcesses({ simulator: pids.simulator, sandbox: pids.sandbox });
      const machine = watchCpu(pids.sandbox, pids.all.filter((pid) => pid !== pids.sandbox));
      const started = performance.now();
      await pool(messages, concurrency, async (n) => {
        const text = textOf(first + n);
        texts.add(text);
        const answer = await post(agent, target, headers, JSON.stringify({ agency: AGENCY, to: '0981234567', text }));
        if (answer.status === 429) {
          throw new Error(
            `end to end: POST /v1/sms/send answered 429 (${answer.body.slice(0, 300)}): the gateway's per-API-key rate limit ` +
              '(limits.requestsPerSecondPerKey) throttles the bench; this figure needs a sandbox without it',
          );
        }
        if (answer.status !== 202) throw new Error(`end to end: POST /v1/sms/send answered ${answer.status}: ${answer.body.slice(0, 500)}`);
      });
      const acceptSeconds = (performance.now() - started) / 1000;
      const goal = before.succeeded + messages;
      let queue = before;
      for (;;) {
        queue = await smsQueue(ready.url, ready.keys.operator);
        if (queue.dead > before.dead) throw new Error(`end to end: ${queue.dead - before.dead} SMS went dead: ${JSON.stringify(queue)}`);
        if (queue.succeeded >= goal && queue.queued + queue.processing === 0) break;
        if (performance.now() - started > RUN_TIMEOUT_MS) throw new Error(`end to end stalled after ${RUN_TIMEOUT_MS} ms: ${JSON.stringify(queue)}`);
        await sleep(POLL_MS);
      }
      const seconds = (performance.now() - started) / 1000;
      const used = cpu.stop();
      const outsidePercent = machine.stop()?.outsidePercent ?? null;
      if (queue.succeeded !== goal) throw new Error(`end to end: the gateway counts ${queue.succeeded - before.succeeded} succeeded for ${messages} sent`);
      const received = await checkReceived(simulatorUrl, messages, 'end to end', texts);
      return { messages, seconds, perSecond: messages / seconds, acceptSeconds, acceptPerSecond: messages / acceptSeconds, cpu: used, outsidePercent, received, gateway: queue };
    },
  };
}

/** Runs `task(0 … count-1)` with at most `concurrency` at once; the first failure stops new tasks and is thrown. */
async function pool(count: number, concurrency: number, task: (n: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < count) {
      const n = next++;
      try {
        await task(n);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

function post(agent: http.Agent, url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function smsQueue(url: string, operatorKey: string): Promise<Queue> {
  const response = await fetch(`${url}/admin/v1/instances`, { headers: { authorization: `Bearer ${operatorKey}` } });
  if (!response.ok) throw new Error(`GET /admin/v1/instances answered ${response.status}`);
  const { instances } = v.parse(instancesShape, await response.json());
  const found = instances.find((instance) => instance.id === INSTANCE);
  if (!found) throw new Error(`the gateway has no instance ${INSTANCE}: ${instances.map((instance) => instance.id).join(', ')}`);
  return found.queue;
}

async function clearReceived(simulatorUrl: string): Promise<void> {
  const response = await fetch(`${simulatorUrl}/__received`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`DELETE /__received answered ${response.status}`);
}

/**
 * Throws unless the simulator received `messages` distinct RequestIDs, each once, and refused none; with `texts`,
 * also unless their contents are exactly those texts.
 */
async function checkReceived(simulatorUrl: string, messages: number, what: string, texts?: ReadonlySet<string>): Promise<SimulatorCheck> {
  const response = await fetch(`${simulatorUrl}/__received`);
  if (!response.ok) throw new Error(`GET /__received answered ${response.status}`);
  const entries = v.parse(receivedShape, await response.json());
  const refused = entries.filter((entry) => 'rejected' in entry);
  const accepted = entries.filter((entry): entry is { requestId: string; content: string; deliveries: number } => 'deliveries' in entry);
  const distinct = new Set(accepted.map((entry) => entry.requestId)).size;
  const duplicates = accepted.reduce((sum, entry) => sum + entry.deliveries, 0) - distinct;
  const check = { distinct, duplicates, refused: refused.length };
  const problems = [
    ...(distinct === messages ? [] : [`${distinct} distinct RequestIDs for ${messages} messages`]),
    ...(duplicates === 0 ? [] : [`${duplicates} RequestIDs arrived more than once`]),
    ...(refused.length === 0 ? [] : [`${refused.length} requests refused, e.g. ${JSON.stringify(refused[0])}`]),
  ];
  if (texts) {
    const contents = new Set(accepted.map((entry) => entry.content));
    const missing = [...texts].filter((text) => !contents.has(text)).length;
    if (missing > 0 || contents.size !== texts.size) problems.push(`${missing} of the texts sent never arrived (${contents.size} distinct contents received)`);
  }
  if (problems.length > 0) throw new Error(`${what}: the simulator did not receive every message exactly once: ${problems.join('; ')}`);
  return check;
}
