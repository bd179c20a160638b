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
 * gateway's sms-viettel instance pointed at the bare figure's simulator child (LIENTHONG_TEST_EXTERNAL_SIMULATORS),
 * so that the gateway's process no longer hosts the simulator. Off by default to keep the run short.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Secret } from '../core/sdk/secret.ts';
import { SERVICE_PATH } from '../plugins/sms-viettel/simulator/server.ts';
import type { SimulatorAccount } from '../plugins/sms-viettel/simulator/service.ts';
import { type ChildServer, explained } from './children.ts';
import { wholeFromEnv } from './env.ts';
import { externalSimulatorsEnv, startSandboxChild, startSimulatorChild } from './sandbox-child.ts';
import { checkableFromEnv } from './simulator-control.ts';
import { type BareRun, type EndToEndRun, bareClient, endToEnd } from './sms-runs.ts';
import { type Spread, spread } from './stats.ts';

/** End to end over bare, judged on the ratio of the medians. */
export const SMS_TARGET = 0.7;
/** Far above every RequestID the bare client uses, for the diagnostic figure's instance on the bare figure's simulator. */
const SPLIT_REQUEST_ID_OFFSET = 1_000_000_000_000;

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

/** BENCH_SMS_MESSAGES (3000), BENCH_SMS_CONCURRENCY (16), BENCH_SMS_ROUNDS (3), BENCH_SMS_WARMUP (300), BENCH_SMS_SPLIT (off; 1). */
export function readSmsSettings(): SmsSettings {
  return {
    messages: checkableFromEnv('BENCH_SMS_MESSAGES', 3000),
    concurrency: wholeFromEnv('BENCH_SMS_CONCURRENCY', 16, 1),
    rounds: wholeFromEnv('BENCH_SMS_ROUNDS', 3, 1),
    warmup: wholeFromEnv('BENCH_SMS_WARMUP', 300, 0),
    split: process.env.BENCH_SMS_SPLIT === '1',
  };
}

export interface SmsRound {
  bare: BareRun;
  endToEnd: EndToEndRun;
  /** This round's end to end over this round's bare. */
  ratio: number;
  /** BENCH_SMS_SPLIT=1 only: end to end with the simulator in its own child (the bare figure's), and its ratio. */
  split?: { run: EndToEndRun; ratio: number };
}

export interface SmsBench {
  settings: SmsSettings;
  rounds: SmsRound[];
  bare: Spread;
  endToEnd: Spread;
  accept: Spread;
  ratio: { ofMedians: number; perRound: number[]; target: number; met: boolean; roundsMet: number };
  /** BENCH_SMS_SPLIT=1 only: the diagnostic figure, not judged. */
  split?: { endToEnd: Spread; ratioOfMedians: number };
}

export async function benchSms(dir: string, settings: SmsSettings, step: (what: string) => void): Promise<SmsBench> {
  const { messages, concurrency, rounds, warmup } = settings;
  const account: SimulatorAccount = {
    user: `bench_${randomBytes(3).toString('hex')}`,
    password: randomBytes(18).toString('base64url'),
    cpCode: 'CP_BENCH',
    brandname: 'LIENTHONG',
    commandCode: 'bulksms',
  };
  const sandboxEnv = { LIENTHONG_TEST_DELIVERY: JSON.stringify({ concurrency }), LIENTHONG_TEST_SMS_PLUGIN: 'sms-viettel' };
  step(`SMS: starting the Viettel simulator child and the sandbox child with sms-viettel (delivery concurrency ${concurrency})`);
  const children: ChildServer[] = [];
  const started = async <Child extends ChildServer>(starting: Promise<Child>) => {
    const child = await starting;
    children.push(child);
    return child;
  };
  try {
    const simulator = await started(startSimulatorChild('sms-viettel', account));
    const simulatorUrl = simulator.ready.url;
    const sandbox = await started(startSandboxChild({ ...sandboxEnv, LIENTHONG_DB: join(dir, 'sms-viettel.db') }));
    const splitSandbox = settings.split
      ? await started(startSandboxChild({ ...sandboxEnv, ...splitEnv(simulatorUrl, account), LIENTHONG_DB: join(dir, 'sms-viettel-split.db') }))
      : undefined;
    const all = children.map((child) => child.child.pid);
    const bare = await bareClient(simulatorUrl, account, concurrency, { simulator: simulator.child.pid, sandbox: sandbox.child.pid, all });
    const gateway = endToEnd(sandbox.ready, concurrency, { simulator: simulator.child.pid, sandbox: sandbox.child.pid, all });
    const split = splitSandbox && endToEnd(splitSandbox.ready, concurrency, { simulator: simulator.child.pid, sandbox: splitSandbox.child.pid, all });
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

/** The diagnostic figure's sandbox: its sms-viettel instance on the bare figure's simulator, RequestIDs kept apart from the bare client's. */
function splitEnv(simulatorUrl: string, account: SimulatorAccount): Record<string, string> {
  const { user, cpCode, brandname } = account;
  const config = { endpoint: `${simulatorUrl}${SERVICE_PATH}`, user, password: new Secret(account.password), cpCode, brandname, requestIdOffset: SPLIT_REQUEST_ID_OFFSET };
  return externalSimulatorsEnv({ 'sms-viettel': { url: simulatorUrl, config } });
}

function summarize(settings: SmsSettings, rounds: SmsRound[]): SmsBench {
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

