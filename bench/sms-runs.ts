/**
 * The SMS figure's two drivers (bench/sms.ts): a bare node-soap client calling the Viettel simulator, and the
 * gateway end to end, each run checked against what the simulator received.
 */
import http from 'node:http';
import axios from 'axios';
import { createClientAsync, type IOptions } from 'soap';
import * as v from 'valibot';
import { WSDL_PATH, type MtRequest } from '../plugins/sms-viettel/client.ts';
import { SERVICE_PATH } from '../plugins/sms-viettel/simulator/server.ts';
import type { SimulatorAccount } from '../plugins/sms-viettel/simulator/service.ts';
import { AGENCY } from './accept.ts';
import { watchCpu } from './cpu.ts';
import { type Instructions, countInstructions } from './instructions.ts';
import { type Queue, instanceQueue, waitUntilDelivered } from './gateway-queues.ts';
import { pool } from './pool.ts';
import { type CpuUse, watchProcesses } from './proc-cpu.ts';
import type { SandboxReady } from './sandbox-child.ts';
import { simulatorClient } from './simulator-control.ts';

/** The sandbox's instance of the plugin: the sandbox names each instance after its plugin. */
const INSTANCE = 'sms-viettel';
/** A run that takes longer has stalled: fail rather than wait for ever. */
const RUN_TIMEOUT_MS = 60_000;
/** The national form the gateway turns 0981234567 into, as wsCpMt's ReceiverID wants it. */
const RECEIVER = '84981234567';

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
  instructions: RunInstructions;
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
  instructions: RunInstructions;
  received: SimulatorCheck;
  /** The instance's counts in `GET /admin/v1/instances` after the run, for the whole run so far. */
  gateway: Queue;
}

const mtAnswerShape = v.object({ return: v.object({ message: v.optional(v.string(), ''), result: v.union([v.number(), v.string()]) }) });
const receivedShape = v.array(
  v.union([
    v.object({ requestId: v.string(), content: v.string(), deliveries: v.number() }),
    v.object({ requestId: v.optional(v.string()), rejected: v.string() }),
  ]),
);

/** The same kind of text both ways, numbered so that each message can be told from the others. */
const textOf = (n: number) => `Ho so 000.00.01.H22-250101-${String(n).padStart(6, '0')} da co ket qua. Moi ong/ba den nhan tai Bo phan mot cua.`;

/** The run's two children by role, and every child of the SMS bench (for the CPU used outside it). */
export interface Pids {
  simulator: number | undefined;
  sandbox: number | undefined;
  all: Array<number | undefined>;
}

/** Instructions over one run (perf stat): the bench process (the bare client, or the POSTs and polls) and the two children. */
export type RunInstructions = Record<'bench' | 'simulator' | 'sandbox', Instructions | null>;

/**
 * CPU over one run: the two children's and the bench's shares, what the rest of the machine used meanwhile, and
 * the instructions each of the three executed.
 */
async function watchRun(pids: Pids) {
  const counting = await Promise.all([countInstructions(process.pid), countInstructions(pids.simulator), countInstructions(pids.sandbox)]);
  const cpu = watchProcesses({ simulator: pids.simulator, sandbox: pids.sandbox });
  const machine = watchCpu(pids.sandbox, pids.all.filter((pid) => pid !== pids.sandbox));
  return {
    async stop() {
      const shares = { cpu: cpu.stop(), outsidePercent: machine.stop()?.outsidePercent ?? null };
      const [bench = null, simulator = null, sandbox = null] = await Promise.all(counting.map((count) => count.stop()));
      return { ...shares, instructions: { bench, simulator, sandbox } };
    },
  };
}

/** The bare figure's client: one node-soap client, made once; RequestIDs count up over the whole bench. */
export async function bareClient(simulatorUrl: string, account: SimulatorAccount, concurrency: number, pids: Pids) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  // One axios package, typed twice: node-soap sees its CommonJS declarations, the bench its ES module ones.
  const request = axios.create({ httpAgent: agent, proxy: false }) as unknown as IOptions['request'];
  const client = await createClientAsync(WSDL_PATH, { endpoint: `${simulatorUrl}${SERVICE_PATH}`, request });
  // node-soap adds `<operation>Async` from the WSDL, untyped in its declarations, so it is checked and typed here.
  const method: unknown = Reflect.get(client, 'wsCpMtAsync');
  if (typeof method !== 'function') throw new Error('node-soap made no wsCpMtAsync from the shipped WSDL');
  const wsCpMt = (args: MtRequest) => (method as (args: MtRequest) => Promise<[unknown]>).call(client, args);
  let nextRequestId = 1;

  return {
    async run(messages: number): Promise<BareRun> {
      await simulatorClient(simulatorUrl).clearReceived();
      agent.destroy();
      const first = nextRequestId;
      nextRequestId += messages;
      let succeeded = 0;
      const refusals: string[] = [];
      const watch = await watchRun(pids);
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
      const { cpu, outsidePercent, instructions } = await watch.stop();
      if (succeeded !== messages) throw new Error(`bare node-soap: ${succeeded} of ${messages} calls answered result 1; e.g. ${refusals[0]}`);
      const received = await checkReceived(simulatorUrl, messages, 'bare node-soap');
      return { messages, seconds, perSecond: succeeded / seconds, cpu, outsidePercent, instructions, received };
    },
  };
}

/** The end-to-end figure's driver: POSTs over keep-alive sockets, then polls the gateway until all is delivered. */
export function endToEnd(ready: SandboxReady, concurrency: number, pids: Pids) {
  const simulatorUrl = ready.simulators[INSTANCE];
  if (!simulatorUrl) throw new Error(`the sandbox started no ${INSTANCE} simulator: ${JSON.stringify(ready.simulators)}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const target = new URL(`${ready.url}/v1/sms/send`);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${ready.keys.client}` };
  let nextText = 1;

  return {
    async run(messages: number): Promise<EndToEndRun> {
      await simulatorClient(simulatorUrl).clearReceived();
      const before = await instanceQueue(ready, INSTANCE);
      if (before.queued + before.processing > 0) throw new Error(`end to end: the gateway still had work before the run: ${JSON.stringify(before)}`);
      agent.destroy();
      const first = nextText;
      nextText += messages;
      const texts = new Set<string>();
      const watch = await watchRun(pids);
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
      const queue = await waitUntilDelivered(ready, INSTANCE, { deadBefore: before.dead, succeeded: goal, startedAt: started, timeoutMs: RUN_TIMEOUT_MS });
      const seconds = (performance.now() - started) / 1000;
      const { cpu, outsidePercent, instructions } = await watch.stop();
      if (queue.succeeded !== goal) throw new Error(`end to end: the gateway counts ${queue.succeeded - before.succeeded} succeeded for ${messages} sent`);
      const received = await checkReceived(simulatorUrl, messages, 'end to end', texts);
      return { messages, seconds, perSecond: messages / seconds, acceptSeconds, acceptPerSecond: messages / acceptSeconds, cpu, outsidePercent, instructions, received, gateway: queue };
    },
  };
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

/**
 * Throws unless the simulator received `messages` distinct RequestIDs, each once, and refused none; with `texts`,
 * also unless their contents are exactly those texts.
 */
async function checkReceived(simulatorUrl: string, messages: number, what: string, texts?: ReadonlySet<string>): Promise<SimulatorCheck> {
  const entries = v.parse(receivedShape, await simulatorClient(simulatorUrl).received());
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
