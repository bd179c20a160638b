/**
 * Whole-gateway: a seeded run that leaves no secret and no personal data behind. The sandbox (sms-viettel over its
 * SOAP simulator, the webhook receiver) runs as a child process at LOG_LEVEL=debug with known API keys, audit key
 * and data key; it is sent SMS to known numbers with texts and references holding a citizen id, a name and a bank
 * account, the simulator fails some of them (transiently, then permanently), bad requests carry secret-looking
 * values, an operator replays the dead ones and reads the admin API. Then everything the child wrote (stdout and
 * stderr) and the audit log (the admin API's and `lienthong audit export`'s) is searched for each seeded value:
 * none may appear, masked forms may. The capture is first checked to hold the lines that would carry them, so an
 * empty or quiet capture cannot pass.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorClient, type SimulatorClient } from '../core/sdk/testing.ts';
import { ROOT, killChildren, runCli } from './support/run-cli.ts';

const AGENCY = '000.00.01.H22';
const CLIENT_KEY = 'lt_test_client_noleaks_Vq3xK8pR2m';
const OPERATOR_KEY = 'lt_test_operator_noleaks_Hd7sN4wL9c';
const AUDIT_KEY = 'no-leaks-audit-key-4f1c9e0b7a2d5e8f3c6b1a0d';
const DATA_KEY = Buffer.from('no-leaks-data-key-32-bytes-long!').toString('base64');
const WRONG_KEY = 'lt_cl_WrongKeyNobodyWasGiven7731';
const BODY_PASSWORD = 'B0dyPassw0rd-never-logged';
const HEADER_SECRET = 'dXNlcjpCYXNpY1NlY3JldDk5';

/** Numbers as callers write them; each is stored as 84… and must appear nowhere in full, in any form. */
const PHONES = ['0987654321', '+84 91 234 5678', '090.111.2233'];
const PHONE_FORMS = ['0987654321', '84987654321', '987654321', '0912345678', '84912345678', '912345678', '0901112233', '84901112233', '901112233'];
const CITIZEN_ID = '046095001234';
const NAME = 'Đặng Văn Ấn';
const NAME_PLAIN = 'Dang Van An';
const ACCOUNT = '0123456789012';

const text = (n: number) => `Ho so HS-${n} cua ong ${NAME} (CCCD ${CITIZEN_ID}, STK ${ACCOUNT}) da co ket qua`;
const reference = (n: number) => `HS-${n} ${PHONES[0]} ${CITIZEN_ID}`;

interface Sandbox {
  url: string;
  simulators: Record<string, string>;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<unknown>;
}

let dir: string;
let sandbox: Sandbox;
let secrets: { viettelPassword: string; webhookSecret: string };

/** Like startChildSandbox, through no-leaks-main.ts, keeping stdout as well as stderr. */
async function startSandbox(env: Record<string, string>): Promise<Sandbox> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/no-leaks-main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  const ready = await new Promise<{ url: string; simulators: Record<string, string> }>((resolve, reject) => {
    const onData = () => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"ready"'));
      if (!line) return;
      child.stdout.off('data', onData);
      resolve((JSON.parse(line) as { ready: { url: string; simulators: Record<string, string> } }).ready);
    };
    child.stdout.on('data', onData);
    exited.then(([code, signal]) => reject(new Error(`sandbox exited (${String(signal ?? code)}) before it was ready:\n${stderr}`)));
  });
  return { ...ready, child, stdout: () => stdout, stderr: () => stderr, exited };
}

const client = (path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.url}${path}`, { ...init, headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', ...init.headers } });
const operator = (path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.url}${path}`, { ...init, headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json', ...init.headers } });

function smsSimulator(): SimulatorClient {
  const url = sandbox.simulators['sms-viettel'];
  if (!url) throw new Error(`no sms-viettel simulator: ${JSON.stringify(sandbox.simulators)}`);
  return simulatorClient(url);
}

async function sendBatch(from: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = from; n < from + count; n++) {
    const answer = await client('/v1/sms/send', { method: 'POST', body: JSON.stringify({ agency: AGENCY, to: PHONES[n % PHONES.length], text: text(n), reference: reference(n) }) });
    expect(answer.status).toBe(202);
    ids.push(((await answer.json()) as { id: string }).id);
  }
  return ids;
}

/** Waits until every message is in `status` (a bound on waiting, not an assertion on time). */
async function until(ids: string[], status: 'succeeded' | 'dead', limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const views = await Promise.all(ids.map(async (id) => ((await (await client(`/v1/messages/${id}`)).json()) as { id: string; status: string })));
    if (views.every((view) => view.status === status)) return;
    if (Date.now() > deadline) throw new Error(`not all ${status}: ${JSON.stringify(views)}\n${sandbox.stderr().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const logLines = () =>
  sandbox
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

let auditFromApi = '';
let auditExport = '';
let auditExportLog = '';
let adminReads = '';
let deadIds: string[] = [];
let succeededIds: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-no-leaks-'));
  const secretsFile = join(dir, 'secrets.json');
  const db = join(dir, 'lienthong.db');
  sandbox = await startSandbox({
    LIENTHONG_TEST_SMS_PLUGIN: 'sms-viettel',
    LOG_LEVEL: 'debug',
    LIENTHONG_DB: db,
    LIENTHONG_AUDIT_KEY: AUDIT_KEY,
    LIENTHONG_DATA_KEY: DATA_KEY,
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
    LIENTHONG_TEST_SECRETS_FILE: secretsFile,
    LIENTHONG_TEST_DELIVERY: JSON.stringify({ baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 2000, maxAttempts: 3, breakerThreshold: 1000 }),
    LIENTHONG_TEST_WORKER: JSON.stringify({ leaseMarginMs: 500, pollIntervalMs: 50 }),
  });
  secrets = JSON.parse(await readFile(secretsFile, 'utf8')) as typeof secrets;

  // Transient faults until the attempts run out, then a permanent refusal: both error paths log.
  await smsSimulator().control({ failRate: 1, failMode: 'transient' });
  const transient = await sendBatch(0, 3);
  await until(transient, 'dead');
  await smsSimulator().control({ failRate: 1, failMode: 'permanent' });
  const permanent = await sendBatch(3, 3);
  await until(permanent, 'dead');
  deadIds = [...transient, ...permanent];

  // Bad requests: an unknown key, a secret in a header, a body with a password in it, JSON that does not parse.
  const bad = (init: RequestInit) => fetch(`${sandbox.url}/v1/sms/send`, { method: 'POST', ...init });
  expect((await bad({ headers: { authorization: `Bearer ${WRONG_KEY}` }, body: '{}' })).status).toBe(401);
  expect((await bad({ headers: { authorization: `Basic ${HEADER_SECRET}` }, body: '{}' })).status).toBe(401);
  const withPassword = JSON.stringify({ agency: AGENCY, to: `SĐT ${PHONES[0]}`, text: text(99), password: BODY_PASSWORD, apiKey: CLIENT_KEY });
  expect((await client('/v1/sms/send', { method: 'POST', body: withPassword })).status).toBe(400);
  expect((await client('/v1/sms/send', { method: 'POST', body: `{"password":"${BODY_PASSWORD}", "to": "${PHONES[0]}"` })).status).toBe(400);
  expect((await operator('/admin/v1/messages', { headers: { authorization: `Bearer ${CLIENT_KEY}` } })).status).toBe(403);

  // The provider is back: the operator replays the dead letters (one by id, the rest by filter), and new SMS go through.
  await smsSimulator().control({ failRate: 0 });
  // Both carry a phone number into a log line: a caller's request id, and an operator's search text in a filter.
  const replayOne = await operator(`/admin/v1/messages/${deadIds[0]}/replay`, { method: 'POST', headers: { 'x-request-id': `sdt-${PHONES[0]}` } });
  expect(replayOne.status).toBe(200);
  expect((await operator('/admin/v1/replay', { method: 'POST', body: JSON.stringify({ filter: { q: PHONES[0] }, dryRun: false }) })).status).toBe(200);
  expect((await operator('/admin/v1/replay', { method: 'POST', body: JSON.stringify({ dryRun: false }) })).status).toBe(200);
  const fresh = await sendBatch(6, 3);
  succeededIds = [...deadIds, ...fresh];
  await until(succeededIds, 'succeeded');

  // What operators read.
  const reads = await Promise.all(
    ['/admin/v1/messages?capability=sms', `/admin/v1/messages/${deadIds[0]}`, '/admin/v1/instances', `/admin/v1/audit?messageId=${deadIds[0]}`].map(async (path) => {
      const answer = await operator(path);
      expect(answer.status, path).toBe(200);
      return answer.text();
    }),
  );
  adminReads = reads.join('\n');
  const audit = await operator('/admin/v1/audit?limit=1000');
  expect(audit.status).toBe(200);
  auditFromApi = JSON.stringify(((await audit.json()) as { entries: Array<{ summary: unknown }> }).entries);

  sandbox.child.kill('SIGTERM');
  await sandbox.exited;

  const exported = await runCli(['audit', 'export'], { LIENTHONG_DB: db, LIENTHONG_AUDIT_KEY: AUDIT_KEY, LIENTHONG_DATA_KEY: DATA_KEY, LOG_LEVEL: 'debug' });
  expect(exported.code, exported.stderr).toBe(0);
  auditExport = exported.stdout;
  auditExportLog = exported.stderr;
}, 120_000);

afterAll(async () => {
  if (sandbox && sandbox.child.exitCode === null && sandbox.child.signalCode === null) {
    sandbox.child.kill('SIGKILL');
    await sandbox.exited;
  }
  await killChildren();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a seeded run through the whole gateway', () => {
  it('captured the lines that would carry the seeded values (so that their absence means something)', () => {
    const lines = logLines();
    const messages = lines.map((line) => String(line.msg));
    // Transient failures retried, then dead; permanent refusals dead at once; deliveries after the replay.
    expect(messages.some((msg) => /^attempt 1 of 3 failed$/.test(msg))).toBe(true);
    expect(messages.some((msg) => /^attempt 3 of 3 failed; message dead \(attempts exhausted\)$/.test(msg))).toBe(true);
    expect(messages.some((msg) => /^attempt 1 of 3 failed; message dead \(refused\)$/.test(msg))).toBe(true);
    expect(messages.filter((msg) => msg === 'Viettel accepted the SMS')).toHaveLength(succeededIds.length);
    expect(messages.some((msg) => /^attempt \d of 3$/.test(msg))).toBe(true);
    expect(messages).toContain('operator replayed a message');
    // The phone numbers logged by the operator's requests are there, masked.
    expect(lines.find((line) => line.msg === 'operator replayed a message')?.requestId).toBe('sdt-0987***321');
    expect(lines.find((line) => line.msg === 'operator replayed messages by filter' && (line.filter as { q?: string }).q)?.filter).toEqual({ q: '0987***321' });
    // The provider's refusal names the receiver, masked: the number was there to leak.
    const refusals = lines.filter((line) => String(line.msg).endsWith('(refused)'));
    expect(refusals.map((line) => String(line.err))).toContainEqual(expect.stringContaining('8498****321'));
    expect(lines.filter((line) => line.msg === 'Viettel accepted the SMS').map((line) => line.receiver)).toContain('8498****321');

    // The audit log holds every attempt with its error, and each accepted message with its reference, masked.
    const entries = auditExport.trim().split('\n').map((line) => JSON.parse(line) as { action: string; summary: Record<string, unknown> });
    expect(entries.filter((entry) => entry.action === 'attempt').length).toBeGreaterThanOrEqual(3 * 3 + 3 + succeededIds.length);
    expect(entries.filter((entry) => entry.action === 'attempt').some((entry) => String(entry.summary.error).includes('8498****321'))).toBe(true);
    const accepted = entries.filter((entry) => entry.action === 'message.accepted' && typeof entry.summary.reference === 'string');
    expect(accepted.map((entry) => entry.summary.reference)).toContain(`HS-0 0987***321 046******234`);
    expect(auditFromApi.length).toBeGreaterThan(1000);
    expect(adminReads).toContain('8498****321');
  });

  it('writes request ids on request lines and message ids on message lines', () => {
    const lines = logLines();
    const aboutMessages = lines.filter((line) => /^attempt \d|^message dead|^Viettel (accepted|already)|^webhook delivered/.test(String(line.msg)));
    expect(aboutMessages.length).toBeGreaterThan(10);
    for (const line of aboutMessages) expect(line.messageId, JSON.stringify(line)).toMatch(/^msg_[0-9A-Z]{26}$/);
    const operatorLines = lines.filter((line) => String(line.msg).startsWith('operator '));
    expect(operatorLines.length).toBeGreaterThanOrEqual(2);
    for (const line of operatorLines) expect(line.requestId, JSON.stringify(line)).toEqual(expect.any(String));
  });

  /** Each seeded value found in `places`, with what precedes it (never the value itself). */
  function seededValuesIn(places: Record<string, string>): string[] {
    const seeded = {
      'client key': CLIENT_KEY,
      'operator key': OPERATOR_KEY,
      'wrong key': WRONG_KEY,
      'audit key': AUDIT_KEY,
      'data key': DATA_KEY,
      'Viettel password': secrets.viettelPassword,
      'webhook secret': secrets.webhookSecret.replace(/^whsec_/, ''),
      'password in a body': BODY_PASSWORD,
      'Basic credentials': HEADER_SECRET,
      'citizen id': CITIZEN_ID,
      'account number': ACCOUNT,
      name: NAME,
      'name without diacritics': NAME_PLAIN,
      ...Object.fromEntries(PHONES.map((phone) => [`phone as written (${phone.slice(0, 4)}…)`, phone])),
      ...Object.fromEntries(PHONE_FORMS.map((phone) => [`phone ${phone.slice(0, 4)}…`, phone])),
    };
    const found: string[] = [];
    for (const [what, value] of Object.entries(seeded)) {
      expect(value.length, what).toBeGreaterThanOrEqual(9);
      for (const [where, haystack] of Object.entries(places)) {
        const at = haystack.indexOf(value);
        if (at >= 0) found.push(`${what} in ${where}: …${haystack.slice(Math.max(0, at - 120), at)}[HERE]`);
      }
    }
    // The SOAP password element never shows a value, whatever it is.
    for (const [where, haystack] of Object.entries(places)) {
      for (const element of haystack.match(/<(?:[\w.-]+:)?Password>(?!\[redacted\])[^<]+/gi) ?? []) found.push(`a Password element with a value in ${where}: ${element.slice(0, 12)}…`);
    }
    return found;
  }

  it('leaves no secret and no personal data in the logs or the audit log', () => {
    // The child's readiness line is the test harness's own channel (it hands the keys to tests), not the gateway's output.
    const stdout = sandbox.stdout().split('\n').filter((line) => !line.startsWith('{"ready"')).join('\n');
    expect(seededValuesIn({ stdout, stderr: sandbox.stderr(), auditFromApi, auditExport, auditExportLog })).toEqual([]);
  });

  // Known gap, outside the logs and the audit log: operatorMessageView (core/http/views.ts) shows `reference` as the
  // caller sent it. When views.ts masks it (maskText), this fails: make it an ordinary `it`.
  it('leaves no personal data in what the admin API shows', () => {
    expect(seededValuesIn({ adminReads })).toEqual([]);
  });
});
