/**
 * Whole-command: the `lienthong` CLI as an operator runs it, each test on its own SQLite file. Keys made by the CLI
 * are tried against a real sandbox child on the same file; messages are seeded with the store API, then listed,
 * shown and replayed by the CLI, and the file is reopened to see what changed.
 *
 * The verbs that exit run in this process (`cli`, through the `run` the program calls): a child costs a second
 * each. `program` runs the real command (`node --import tsx app/cli.ts …`) as a child: at least one case of each verb
 * family does, and so do the server verbs (sandbox, simulate).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptedEntry } from '../core/audit/entries.ts';
import { loadConfig } from '../core/config/load.ts';
import { Instances } from '../core/runtime/instances.ts';
import { buildMessage } from '../core/delivery/new-message.ts';
import { DEFAULT_DB, DEFAULT_SANDBOX_DB, storeFile } from '../core/store/open.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import type { MessageRecord } from '../core/store/types.ts';
import echoSms from './support/echo-sms/index.ts';
import { type ChildEnv, killChildren, runCli, spawnCli, startSandboxCommand, startSimulateCommand } from './support/run-cli.ts';
import { runCliInProcess } from './support/run-cli-in-process.ts';
import { plugins } from '../app/plugins.ts';
import { TEST_AUDIT_KEY } from '../core/testing/test-audit-key.ts';

let dir: string;
let db: string;
let env: ChildEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-cli-'));
  db = join(dir, 'lienthong.db');
  env = {
    LIENTHONG_DB: db,
    LIENTHONG_DATABASE_URL: undefined,
    LIENTHONG_SANDBOX_CLIENT_KEY: undefined,
    LIENTHONG_SANDBOX_OPERATOR_KEY: undefined,
  };
});

afterEach(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

/** In this process. */
const cli = (...args: string[]) => runCliInProcess(args, env);
/** The real binary, as a child process. */
const program = (...args: string[]) => runCli(args, env);

/** An empty store at `file`, as `serve` leaves it after its first start: the reading verbs refuse a missing one. */
async function createStore(file: string): Promise<void> {
  await (await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY })).close();
}

describe('the command line itself', () => {
  it('prints the usage on stderr and exits 2 without arguments', async () => {
    const result = await program();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^lienthong: give one of the commands below\n\nUsage: lienthong <command> \[options\]\n/);
    expect(result.stderr).toContain('keys');
    expect(result.stdout).toBe('');
  });

  it('prints the usage and exits 0 for help', async () => {
    const result = await cli('help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: lienthong <command> [options]');
    expect(result.stderr).toBe('');
  });

  it('names an unknown command on stderr, with the usage, and exits 2', async () => {
    const result = await program('frobnicate');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("lienthong: unknown command 'frobnicate'");
    expect(result.stderr).toContain('Usage: lienthong <command> [options]');
    expect(result.stdout).toBe('');
  });

  const badLines: Array<[string, string[], RegExp]> = [
    ['keys without a verb', ['keys'], /keys needs one of its commands: create, revoke, list/],
    ['keys create without --role', ['keys', 'create'], /--role/],
    ['keys create --role admin', ['keys', 'create', '--role', 'admin'], /--role client or --role operator/],
    ['keys create with empty --agencies', ['keys', 'create', '--role', 'client', '--agencies', ','], /--agencies/],
    ['keys revoke without an id', ['keys', 'revoke'], /missing required argument 'id'/],
    ['keys revoke with two ids', ['keys', 'revoke', 'key_a', 'key_b'], /too many arguments for 'revoke'/],
    ['messages without a verb', ['messages'], /messages needs one of its commands: list, show/],
    ['messages list --status nope', ['messages', 'list', '--status', 'nope'], /--status is one of queued, processing, succeeded, dead/],
    ['messages list --since yesterday', ['messages', 'list', '--since', 'yesterday'], /--since takes an ISO 8601 time/],
    ['messages list --limit 0', ['messages', 'list', '--limit', '0'], /--limit/],
    ['messages show without an id', ['messages', 'show'], /missing required argument 'id'/],
    ['replay with nothing', ['replay'], /replay takes message ids, or a filter/],
    ['replay --status queued', ['replay', '--status', 'queued'], /only dead messages are replayed/],
    ['replay id --status dead', ['replay', 'msg_x', '--status', 'dead'], /message ids or a filter, not both/],
    ['an unknown flag', ['messages', 'list', '--foo'], /unknown option '--foo'/],
    ['an unknown flag on keys create', ['keys', 'create', '--role', 'client', '--foo'], /unknown option '--foo'/],
    ['keys create without --agencies or --all-agencies', ['keys', 'create', '--role', 'client'], /keys create needs either --agencies A,B \(the agency codes the key acts for\) or --all-agencies/],
    ['keys create with both --agencies and --all-agencies', ['keys', 'create', '--role', 'client', '--agencies', 'A', '--all-agencies'], /either --agencies A,B .* or --all-agencies/],
    ['check-config without a file', ['check-config'], /check-config needs --config FILE/],
    ['audit without a verb', ['audit'], /audit needs one of its commands: verify, export, rotate-key/],
    ['simulate without a plugin', ['simulate'], /missing required argument 'plugin'/],
    ['simulate of an unknown plugin', ['simulate', 'sms-nope'], /unknown plugin 'sms-nope': simulate needs a plugin: sms-viettel,/],
    ['sandbox --port abc', ['sandbox', '--port', 'abc'], /--port takes a port number 0-65535, not "abc"/],
  ];

  it.each(badLines)('refuses %s: exit 2, the problem named in a line on stderr, then the usage', async (_name, args, problem) => {
    const result = await cli(...args);
    expect(result.code, result.stderr).toBe(2);
    const [first] = result.stderr.split('\n');
    expect(first).toMatch(/^lienthong: /);
    expect(first).toMatch(problem);
    expect(result.stderr).toContain(`Usage: lienthong ${args[0]}`);
    expect(result.stdout).toBe('');
  });

  it('names the commands a plugin can be simulated with, in the usage simulate prints', async () => {
    const result = await cli('simulate');
    expect(result.stderr).toMatch(/plugin +one of sms-viettel, payment-vietinbank, payment-paygov,\s+national-portal, ecard, webhook/);
  });
});

describe('keys', () => {
  it('creates a key that works against the gateway, lists it without secrets, and revokes it at once', async () => {
    const sandbox = await startSandboxCommand(env);
    try {
      const created = await program('keys', 'create', '--role', 'client', '--agencies', 'A,B', '--json');
      expect(created.code, created.stderr).toBe(0);
      const key = JSON.parse(created.stdout) as { id: string; key: string; role: string; agencies: string[] };
      expect(key).toEqual({ id: expect.stringMatching(/^key_[0-9a-f]+$/), key: expect.any(String), role: 'client', agencies: ['A', 'B'] });

      const lookUp = () => fetch(`${sandbox.url}/v1/messages/msg_x`, { headers: { authorization: `Bearer ${key.key}` } });
      const before = await lookUp();
      expect(before.status).toBe(404);
      expect(before.headers.get('content-type')).toContain('application/problem+json');
      expect(((await before.json()) as { status: number }).status).toBe(404);

      // The sandbox takes LIENTHONG_DB over its own default file, and says so.
      expect(sandbox.stderr()).toContain(`store: ${db}\n`);
      const listed = await cli('keys', 'list', '--json');
      expect(listed.code, listed.stderr).toBe(0);
      const keys = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
      expect(keys.find((entry) => entry.id === key.id)).toMatchObject({ id: key.id, role: 'client', agencies: ['A', 'B'], revokedAt: null });
      expect(listed.stdout).not.toContain(key.key);
      for (const entry of keys) expect(Object.keys(entry)).not.toContain('hash');
      expect(listed.stdout).not.toMatch(/[0-9a-f]{64}/);

      const revoked = await cli('keys', 'revoke', key.id);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toContain(key.id);
      const after = await lookUp();
      expect(after.status).toBe(401);

      const again = await cli('keys', 'revoke', key.id);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(key.id);
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.exited;
    }
  });

  it('prints a text key once, with its id, and lists it as active under a header, created in Vietnam time', async () => {
    await createStore(db);
    const created = await cli('keys', 'create', '--role', 'operator', '--all-agencies', '--label', 'night shift');
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.split('\n').find((line) => line.startsWith('lt_op_'));
    expect(token).toBeDefined();
    const id = /key_[0-9a-f]+/.exec(created.stdout)?.[0];
    const listed = await cli('keys', 'list');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +ROLE +AGENCIES +STATUS +CREATED +LABEL$/);
    const line = lines.find((candidate) => candidate.startsWith(`${id} `));
    expect(line).toMatch(/operator +\* +active +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00 +night shift$/);
    expect(listed.stdout).not.toContain(token);
  });

  it('lists keys as JSON with ISO 8601 times, a revoked key with its time', async () => {
    await createStore(db);
    const { id } = JSON.parse((await cli('keys', 'create', '--role', 'client', '--agencies', AGENCY, '--json')).stdout) as { id: string };
    expect((await cli('keys', 'revoke', id)).code).toBe(0);
    const keys = JSON.parse((await cli('keys', 'list', '--json')).stdout) as Array<{ id: string; createdAt: string; revokedAt: string | null }>;
    const key = keys.find((candidate) => candidate.id === id);
    expect(key?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(key?.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await cli('keys', 'list')).stdout).toMatch(new RegExp(`${id} .* revoked \\d{4}-\\d\\d-\\d\\dT[0-9:]{8}\\+07:00`));
  });

  describe('with --config', () => {
    const write = async (config: unknown) => {
      const file = join(dir, 'gateway.json');
      await writeFile(file, JSON.stringify(config));
      return file;
    };
    const agencies = [{ code: AGENCY }, { code: '000.00.02.H22' }];

    it('refuses an agency the config does not list: one line naming it and the known ones, exit 1, no key made', async () => {
      await createStore(db);
      const config = await write({ agencies });
      const result = await cli('keys', 'create', '--role', 'client', '--agencies', `${AGENCY},000.00.09.H22`, '--config', config, '--json');
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`lienthong: ${config} has no agency '000.00.09.H22' (its agencies: ${AGENCY}, 000.00.02.H22): check the code, or add the agency to the config first\n`);
      expect(result.stdout).toBe('');
      expect(JSON.parse((await cli('keys', 'list', '--json')).stdout)).toEqual([]);
    });

    it('names the first twenty known agencies of a long list, and how many there are', async () => {
      await createStore(db);
      const many = Array.from({ length: 30 }, (_, i) => ({ code: `000.00.${String(i + 1).padStart(2, '0')}.H22` }));
      const config = await write({ agencies: many });
      const result = await cli('keys', 'create', '--role', 'client', '--agencies', '000.00.99.H22', '--config', config);
      expect(result.code).toBe(1);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`(its agencies: ${many.slice(0, 20).map((agency) => agency.code).join(', ')}, … 30 in all)`);
    });

    it('creates a key for agencies the config lists, and for all agencies', async () => {
      await createStore(db);
      const config = await write({ agencies });
      const listed = await cli('keys', 'create', '--role', 'client', '--agencies', `${AGENCY},000.00.02.H22`, '--config', config, '--json');
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout)).toMatchObject({ agencies: [AGENCY, '000.00.02.H22'] });
      const all = await cli('keys', 'create', '--role', 'operator', '--all-agencies', '--config', config, '--json');
      expect(all.code, all.stderr).toBe(0);
    });

    it('refuses a config that does not load, as check-config does, before the store is opened', async () => {
      const result = await cli('keys', 'create', '--role', 'client', '--agencies', AGENCY, '--config', join(dir, 'nowhere.json'));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^lienthong: cannot read config file .*nowhere\.json \(ENOENT\): check the path given to --config[^\n]*\n$/);
      expect(await readdir(dir)).toEqual([]);
    });
  });
});

describe('check-config', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const valid = {
    agencies: [{ code: '000.00.01.H22', name: 'Trung tam Phuc vu hanh chinh cong' }, { code: '000.00.02.H22' }],
    webhooks: [{ id: 'onestop', url: 'https://motcua.example.gov.vn/hooks/lienthong', secret: { env: 'X' }, events: ['*'] }],
  };

  async function check(config: unknown, extraEnv: ChildEnv = { X: secret }, runner = runCliInProcess) {
    const file = join(dir, 'gateway.json');
    await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
    return runner(['check-config', '--config', file], { ...env, ...extraEnv });
  }

  it('accepts a valid file: exit 0 and ok', async () => {
    const result = await check(valid, { X: secret }, runCli);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('ok');
    expect(result.stdout).toContain('webhook-onestop');
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('refuses a file that is not JSON', async () => {
    const result = await check('{"agencies": [');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/gateway\.json is not valid JSON/);
  });

  it('refuses a missing file, naming it', async () => {
    const result = await cli('check-config', '--config', join(dir, 'nowhere.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot read config file .*nowhere\.json/);
  });

  it('refuses an unknown plugin, naming the instance and the plugin', async () => {
    const result = await check({ ...valid, instances: [{ id: 'sms-hue', plugin: 'sms-nope', config: {} }] });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("instance 'sms-hue'");
    expect(result.stderr).toContain("unknown plugin 'sms-nope'");
  });

  it('refuses a secret whose environment variable is not set, naming the variable', async () => {
    const result = await check(valid, { X: undefined });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("webhook 'onestop'");
    expect(result.stderr).toContain('environment variable X is not set');
  });

  it('refuses a bad field in an instance, naming the instance, the plugin and the field', async () => {
    const result = await check({
      ...valid,
      instances: [{ id: 'sms-b', plugin: 'sms-viettel', config: { endpoint: 'not a url', user: 'u', password: { env: 'X' }, cpCode: 'CP', brandname: 'UBND' } }],
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("instance 'sms-b'");
    expect(result.stderr).toContain("plugin 'sms-viettel'");
    expect(result.stderr).toContain('config.endpoint');
    expect(result.stderr).not.toContain(secret);
  });

  it('refuses an agency that is not in the agencies list, naming it', async () => {
    const result = await check({ ...valid, webhooks: [{ ...valid.webhooks[0], agencies: ['000.00.99.H22'] }] });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("agency '000.00.99.H22' is not in the agencies list");
  });

  it('refuses a webhook secret written in the file, without echoing it', async () => {
    const result = await check({ ...valid, webhooks: [{ ...valid.webhooks[0], secret }] });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/webhook '[a-z0-9-]+': secret: a secret must be \{ "env": "NAME" \} or \{ "file": "path" \}/);
    expect(result.stderr).not.toContain(secret);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const AGENCY = '000.00.01.H22';
const PHONE = '84981234567';

interface Seeded {
  dead: string[];
  succeeded: string;
  queued: string;
}

/** Five SMS messages of instance sms-hue: the three oldest dead (one with a two-line error), one succeeded, one queued. */
async function seed(file: string): Promise<Seeded> {
  const config = loadConfig(
    { agencies: [{ code: AGENCY }], instances: [{ id: 'sms-hue', plugin: 'echo-sms', config: { url: 'http://127.0.0.1:9' } }] },
    [echoSms],
    {},
  );
  const instance = new Instances(config, pino({ level: 'silent' })).get('sms-hue');
  if (!instance) throw new Error('no instance sms-hue');
  const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
  try {
    const now = Date.now() - 60_000;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const message = buildMessage(instance, 'send', { agency: AGENCY, to: PHONE, text: `Ho so HS-${i} da co ket qua, goi ${PHONE}`, reference: `HS-${i}` }, now + i);
      expect(await store.accept(message, { audit: acceptedEntry(message, 'key:key_seed') })).toEqual({ outcome: 'accepted', messageId: message.id });
      ids.push(message.id);
    }
    const lease = { instance: 'sms-hue', now: now + 10, leaseOwner: 'seed', leaseUntil: now + 60_000 };
    const dying = await store.claimDue({ ...lease, limit: 3 });
    expect(dying.map((m) => m.id)).toEqual(ids.slice(0, 3));
    for (const [i, message] of dying.entries()) {
      const error = i === 0 ? `provider refused ${PHONE}\nBLACKLISTED: number on the do-not-send list` : 'provider refused: BLACKLISTED';
      const closed = await store.completeAttempt({
        messageId: message.id, leaseOwner: 'seed', outcome: 'dead', now: now + 20, error, providerCode: 'BLACKLISTED',
        attempt: { number: 1, startedAt: now + 10 },
      });
      expect(closed).toBe(true);
    }
    const [delivered] = await store.claimDue({ ...lease, limit: 1 });
    expect(delivered?.id).toBe(ids[3]);
    await store.completeAttempt({
      messageId: ids[3]!, leaseOwner: 'seed', outcome: 'succeeded', now: now + 30,
      result: { providerMessage: 'accepted', segments: 1 }, attempt: { number: 1, startedAt: now + 10 },
    });
    return { dead: ids.slice(0, 3), succeeded: ids[3]!, queued: ids[4]! };
  } finally {
    await store.close();
  }
}

async function readMessages(file: string, ids: string[]): Promise<MessageRecord[]> {
  const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
  try {
    return await Promise.all(
      ids.map(async (id) => {
        const message = await store.getMessage(id);
        if (!message) throw new Error(`message ${id} is gone`);
        return message;
      }),
    );
  } finally {
    await store.close();
  }
}

describe('messages list and show', () => {
  let seeded: Seeded;
  beforeEach(async () => {
    seeded = await seed(db);
  });

  it('lists exactly the dead messages as JSON, payloads masked', async () => {
    const result = await program('messages', 'list', '--status', 'dead', '--json');
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<{ id: string; status: string; attempts: number; lastError: string }>;
    expect(rows.map((row) => row.id).sort()).toEqual([...seeded.dead].sort());
    for (const row of rows) expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(result.stdout).not.toContain(PHONE);
  });

  it('filters by agency and time', async () => {
    const other = await cli('messages', 'list', '--agency', '000.00.02.H22', '--json');
    expect(JSON.parse(other.stdout)).toEqual([]);
    const future = await cli('messages', 'list', '--since', '2999-01-01T00:00:00+07:00', '--json');
    expect(JSON.parse(future.stdout)).toEqual([]);
    const all = await cli('messages', 'list', '--agency', AGENCY, '--json');
    expect((JSON.parse(all.stdout) as unknown[]).length).toBe(5);
  });

  it('prints a header row, then one line per message, even when an error has several lines, times in Vietnam time', async () => {
    const result = await cli('messages', 'list', '--status', 'dead');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    // The header, one line per message, then the count.
    expect(lines).toHaveLength(seeded.dead.length + 2);
    expect(lines[0]).toMatch(/^ID +STATUS +OPERATION +AGENCY +ATTEMPTS +CREATED +LAST ERROR$/);
    for (const id of seeded.dead) expect(lines.filter((line) => line.startsWith(`${id} `))).toHaveLength(1);
    // Columns line up under the header.
    const created = lines[0]!.indexOf('CREATED');
    for (const line of lines.slice(1, -1)) expect(line.slice(created)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00  /);
    expect(lines.at(-1)).toBe('3 message(s)');
    expect(result.stdout).toContain('BLACKLISTED');
    expect(result.stdout).not.toContain(PHONE);
  });

  it('prints no header for an empty list, only the count', async () => {
    const result = await cli('messages', 'list', '--agency', '000.00.99.H22');
    expect(result.stdout).toBe('0 message(s)\n');
  });

  it('shows one message with its payload masked, its attempts and its audit trail, times in Vietnam time', async () => {
    const id = seeded.dead[0]!;
    const result = await cli('messages', 'show', id);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(PHONE);
    const shown = JSON.parse(result.stdout) as {
      id: string; status: string; createdAt: string; payload: { to: string; text: string };
      attemptHistory: Array<{ number: number; outcome: string; providerCode: string; startedAt: string }>;
      auditTrail: Array<{ action: string; actor: string; messageId: string; time: string; hash: string }>;
    };
    expect(shown).toMatchObject({ id, status: 'dead' });
    expect(shown.payload.to).toBe('8498****567');
    expect(shown.payload.text).toContain('HS-0');
    expect(shown.attemptHistory).toEqual([expect.objectContaining({ number: 1, outcome: 'dead', providerCode: 'BLACKLISTED' })]);
    expect(shown.auditTrail).toEqual([expect.objectContaining({ action: 'message.accepted', actor: 'key:key_seed', messageId: id, hash: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    const vietnamTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/;
    for (const time of [shown.createdAt, shown.attemptHistory[0]!.startedAt, shown.auditTrail[0]!.time]) expect(time).toMatch(vietnamTime);
    expect(result.stdout).not.toMatch(/\d\d:\d\d(\.\d+)?Z"/);
  });

  it('shows with --json what the admin API answers: one line, times in UTC, the same instants', async () => {
    const id = seeded.dead[0]!;
    const [shown, json] = [await cli('messages', 'show', id), await cli('messages', 'show', id, '--json')];
    expect(json.stdout.trimEnd()).not.toContain('\n');
    type Shown = { createdAt: string; auditTrail: Array<{ at: number; time: string }> };
    const human = JSON.parse(shown.stdout) as Shown;
    const exact = JSON.parse(json.stdout) as Shown;
    expect(exact.createdAt).toMatch(/Z$/);
    expect(Math.floor(Date.parse(exact.createdAt) / 1000)).toBe(Date.parse(human.createdAt) / 1000);
    expect(exact.auditTrail[0]).toMatchObject({ at: Date.parse(exact.auditTrail[0]!.time) });
  });

  it('answers exit 1 for an unknown message id', async () => {
    const result = await cli('messages', 'show', 'msg_00000000000000000000000000');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no message msg_00000000000000000000000000');
  });
});

describe('replay', () => {
  let seeded: Seeded;
  beforeEach(async () => {
    seeded = await seed(db);
  });

  it('--dry-run prints the count and changes nothing', async () => {
    const result = await cli('replay', '--status', 'dead', '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('would replay 3 dead message(s)');
    expect(result.stdout).toContain('sms-hue: 3');
    for (const message of await readMessages(db, seeded.dead)) expect(message).toMatchObject({ status: 'dead', attempts: 1, replays: 0 });
  });

  it('queues the dead messages again with a fresh attempt budget, and nothing else', async () => {
    const result = await program('replay', '--status', 'dead');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('queued 3 message(s) again');
    for (const message of await readMessages(db, seeded.dead)) expect(message).toMatchObject({ status: 'queued', attempts: 0, replays: 1 });
    const [succeeded, queued] = await readMessages(db, [seeded.succeeded, seeded.queued]);
    expect(succeeded).toMatchObject({ status: 'succeeded', attempts: 1, replays: 0 });
    expect(queued).toMatchObject({ status: 'queued', attempts: 0, replays: 0 });
  });

  it('replays dead messages by id', async () => {
    const [first, second] = seeded.dead;
    const result = await cli('replay', first!, second!);
    expect(result.code, result.stderr).toBe(0);
    const [a, b, c] = await readMessages(db, seeded.dead);
    expect(a).toMatchObject({ status: 'queued', attempts: 0 });
    expect(b).toMatchObject({ status: 'queued', attempts: 0 });
    expect(c).toMatchObject({ status: 'dead', attempts: 1 });
  });

  it('counts an id given twice once: exit 0 when it was queued', async () => {
    const id = seeded.dead[0]!;
    const result = await cli('replay', id, id);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const [message] = await readMessages(db, [id]);
    expect(message).toMatchObject({ status: 'queued', attempts: 0, replays: 1 });
  });

  it('refuses a message that is not dead: exit 1, saying so', async () => {
    for (const id of [seeded.queued, seeded.succeeded]) {
      const result = await cli('replay', id);
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).toMatch(new RegExp(`${id}: not replayed .*not dead`));
    }
    const [succeeded, queued] = await readMessages(db, [seeded.succeeded, seeded.queued]);
    expect(succeeded).toMatchObject({ status: 'succeeded', replays: 0 });
    expect(queued).toMatchObject({ status: 'queued', replays: 0 });
  });

  it('--dry-run with ids says what would happen and changes nothing', async () => {
    const dead = seeded.dead[0]!;
    const result = await cli('replay', dead, seeded.queued, '--dry-run');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${dead}: would be queued again`);
    expect(result.stdout + result.stderr).toMatch(new RegExp(`${seeded.queued}: not replayed .*not dead`));
    const [message] = await readMessages(db, [dead]);
    expect(message).toMatchObject({ status: 'dead', attempts: 1, replays: 0 });
  });
});

describe('audit', () => {
  it('verifies the chain, exports it as JSON lines, and verifies the log against that export', async () => {
    // Keys created and revoked by the CLI are audited: three entries.
    await createStore(db);
    const created = [await cli('keys', 'create', '--role', 'client', '--all-agencies', '--json'), await cli('keys', 'create', '--role', 'operator', '--all-agencies', '--json')];
    const { id } = JSON.parse(created[0]!.stdout) as { id: string };
    expect((await cli('keys', 'revoke', id)).code).toBe(0);

    const verified = await cli('audit', 'verify');
    expect(verified.code, verified.stderr).toBe(0);
    const count = Number(/audit log intact: (\d+) entries/.exec(verified.stdout)?.[1]);
    expect(count).toBe(3);

    const exported = await cli('audit', 'export');
    expect(exported.code, exported.stderr).toBe(0);
    const lines = exported.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(count);
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    // stdout is the export alone; stderr names the store, then the count.
    expect(exported.stderr).toBe(`store: ${db}\nexported ${count} audit entries\n`);

    const file = join(dir, 'audit.jsonl');
    await writeFile(file, exported.stdout);
    const against = await cli('audit', 'verify', '--export', file);
    expect(against.code, against.stderr).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** Every verb that reads a store, with arguments that get past its command-line checks. */
const readingVerbs: Array<[string, string[]]> = [
  ['messages list', ['messages', 'list', '--json']],
  ['messages show', ['messages', 'show', 'msg_00000000000000000000000000']],
  ['replay by id', ['replay', 'msg_00000000000000000000000000']],
  ['replay by filter', ['replay', '--status', 'dead', '--dry-run']],
  ['keys create', ['keys', 'create', '--role', 'client', '--all-agencies', '--json']],
  ['keys revoke', ['keys', 'revoke', 'key_3f2a9c1b7d4e']],
  ['keys list', ['keys', 'list', '--json']],
  ['audit verify', ['audit', 'verify']],
  ['audit export', ['audit', 'export']],
];

const refusal = (file: string) => `lienthong: no store at ${file}: check --db or LIENTHONG_DB, or start \`lienthong serve\` once to create it\n`;

describe('which store', () => {
  it('a reading verb run as a program refuses a store that does not exist: one line, exit 1, nothing created', async () => {
    // No audit key either: a made-up .audit-key would be something created too.
    const result = await runCli(['messages', 'list'], { ...env, LIENTHONG_AUDIT_KEY: undefined });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(refusal(db));
    expect(result.stdout).toBe('');
    expect(await readdir(dir)).toEqual([]);
  });

  it('without --db or LIENTHONG_DB, points at the sandbox\'s store when there is one', async () => {
    await mkdir(join(dir, 'data'));
    await createStore(join(dir, 'data', 'sandbox.db'));
    const { child, exited } = spawnCli(['keys', 'list'], { ...env, LIENTHONG_DB: undefined }, { cwd: dir });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [{ code }] = await Promise.all([exited, once(child.stderr!, 'close')]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `lienthong: no store at ./data/lienthong.db (${join(dir, 'data', 'lienthong.db')}): check --db or LIENTHONG_DB (the sandbox's store is ./data/sandbox.db), or start \`lienthong serve\` once to create it\n`,
    );
    expect((await readdir(join(dir, 'data'))).filter((name) => name.startsWith('lienthong'))).toEqual([]);
  });

  it.each(readingVerbs)('%s refuses a store that does not exist and creates nothing', async (_name, args) => {
    const result = await runCliInProcess(args, { ...env, LIENTHONG_AUDIT_KEY: undefined });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toBe(refusal(db));
    expect(result.stdout).toBe('');
    expect(await readdir(dir)).toEqual([]);
  });

  it('names a relative path as given and as the absolute path it means', async () => {
    const result = await cli('keys', 'list', '--db', 'no-such-dir/lienthong.db');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(refusal(`no-such-dir/lienthong.db (${join(process.cwd(), 'no-such-dir/lienthong.db')})`));
  });

  it.each(readingVerbs)('%s takes --db over LIENTHONG_DB', async (_name, args) => {
    // LIENTHONG_DB names a store that exists; --db one that does not: the refusal shows which one the verb used.
    await createStore(db);
    const other = join(dir, 'other.db');
    const result = await cli(...args, '--db', other);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(refusal(other));
    expect((await readdir(dir)).filter((name) => name.startsWith('other'))).toEqual([]);
  });

  it('says which store it reads on stderr, leaving stdout to the --json answer', async () => {
    const other = join(dir, 'other.db');
    await seed(other);
    const result = await cli('messages', 'list', '--db', other, '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(`store: ${other}\n`);
    expect((JSON.parse(result.stdout) as unknown[]).length).toBe(5);
    const keys = await cli('keys', 'list', '--json');
    expect(keys.code, keys.stderr).toBe(1);
  });

  it.each([['sandbox'], ['serve'], ['keys', 'create'], ['keys', 'revoke'], ['keys', 'list'], ['messages', 'list'], ['messages', 'show'], ['replay'], ['audit', 'verify'], ['audit', 'export'], ['audit', 'rotate-key']])(
    'lists --db in the usage of %s',
    async (...verb) => {
      const { code, stdout } = await cli(...verb, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: lienthong ${verb.join(' ')} `);
      expect(stdout).toMatch(verb[0] === 'sandbox' ? /--db <file> +the store, created if need be \(default: LIENTHONG_DB, else\s+\.\/data\/sandbox\.db\)/ : /--db <file> +the store/);
    },
  );

  it('says in the usage which store each verb uses', async () => {
    const { stdout } = await cli('--help');
    expect(stdout).toContain('./data/sandbox.db (sandbox)');
  });

  it('serve and the sandbox default to two different files; LIENTHONG_DB overrides both', () => {
    expect(DEFAULT_DB).toBe('./data/lienthong.db');
    expect(DEFAULT_SANDBOX_DB).toBe('./data/sandbox.db');
    expect(storeFile({})).toBe(DEFAULT_DB);
    expect(storeFile({}, { sandbox: true })).toBe(DEFAULT_SANDBOX_DB);
    expect(storeFile({ LIENTHONG_DB: db }, { sandbox: true })).toBe(db);
  });

  it('the sandbox creates its own ./data/sandbox.db and its audit key, not serve\'s ./data/lienthong.db', async () => {
    const sandbox = await startSandboxCommand({ ...env, LIENTHONG_DB: undefined, LIENTHONG_AUDIT_KEY: undefined }, { cwd: dir });
    try {
      expect(sandbox.stderr()).toContain(`store: ${join(dir, 'data', 'sandbox.db')}\n`);
      const files = await readdir(join(dir, 'data'));
      expect(files).toContain('sandbox.db');
      expect(files).toContain('sandbox.db.audit-key');
      expect(files.filter((name) => name.startsWith('lienthong'))).toEqual([]);
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.exited;
    }
  });

  it('sandbox --db uses that store, over LIENTHONG_DB', async () => {
    const chosen = join(dir, 'chosen.db');
    const sandbox = await startSandboxCommand(env, { args: ['--db', chosen] });
    try {
      expect(sandbox.stderr()).toContain(`store: ${chosen}\n`);
      expect(await readdir(dir)).toContain('chosen.db');
      expect(await readdir(dir)).not.toContain('lienthong.db');
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.exited;
    }
  });

  it('serve on a port in use says so in one line, exits 1, and writes nothing to the store or its audit log', async () => {
    const config = join(dir, 'gateway.json');
    await writeFile(config, JSON.stringify({ agencies: [{ code: AGENCY }] }));
    await createStore(db);
    const before = await cli('audit', 'export', '--db', db);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const result = await program('serve', '--config', config, '--port', String(port), '--host', '127.0.0.1', '--db', db);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`lienthong: port ${port} on 127.0.0.1 is in use: stop what listens there, or give another --port (or PORT)\n`);
      expect((await cli('audit', 'export', '--db', db)).stdout).toBe(before.stdout);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('serve --db creates and names that store, over LIENTHONG_DB', async () => {
    const config = join(dir, 'gateway.json');
    await writeFile(config, JSON.stringify({ agencies: [{ code: AGENCY }] }));
    const chosen = join(dir, 'chosen.db');
    const { child, exited } = spawnCli(['serve', '--config', config, '--port', '0', '--host', '127.0.0.1', '--db', chosen], env);
    let stderr = '';
    const named = new Promise<void>((resolve, reject) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('\n') && stderr.startsWith('store: ')) resolve();
      });
      exited.then(({ code, signal }) => reject(new Error(`serve exited (${signal ?? code}) before naming its store:\n${stderr}`)));
    });
    await named;
    child.kill('SIGTERM');
    await exited;
    expect(stderr.split('\n')[0]).toBe(`store: ${chosen}`);
    expect(await readdir(dir)).toContain('chosen.db');
    expect(await readdir(dir)).not.toContain('lienthong.db');
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** The path of every `{ "file": … }` in a written entry. */
function secretFiles(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]?.[0] === 'file' && typeof entries[0][1] === 'string') return [entries[0][1]];
  return entries.flatMap(([, item]) => secretFiles(item));
}

describe('simulate --instance-out', () => {
  const simulated = [...plugins.filter((plugin) => plugin.simulator).map((plugin) => plugin.id), 'webhook'];

  it.each(simulated)('%s: writes a ready entry for serve, its secrets in 0600 files beside it, and prints none of them', async (id) => {
    const out = join(dir, `${id}.json`);
    // Info logs too: what the simulator logs must not hold a secret either.
    const simulator = await startSimulateCommand([id, '--port', '0', '--instance-out', out], { ...env, LOG_LEVEL: 'info' });
    try {
      expect(simulator.stdout()).toContain(`${id} simulator on ${simulator.url}`);
      expect(simulator.stdout()).toContain(out);
      const entry = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
      expect(Object.keys(entry).sort()).toEqual(id === 'webhook' ? ['secret', 'url'] : ['config', 'plugin']);
      const secrets = secretFiles(entry);
      expect(secrets.length).toBeGreaterThan(0);
      const texts: string[] = [];
      for (const file of secrets) {
        expect(file.startsWith(`${dir}/`), file).toBe(true);
        expect((await stat(file)).mode & 0o777, file).toBe(0o600);
        texts.push((await readFile(file, 'utf8')).trim());
      }
      expect(JSON.stringify(entry)).toContain(simulator.url);

      const config =
        id === 'webhook'
          ? { agencies: [{ code: AGENCY }], webhooks: [{ id: 'onestop', ...entry }] }
          : { agencies: [{ code: AGENCY }], instances: [{ id: `${id}-sim`, ...entry }] };
      const file = join(dir, 'gateway.json');
      await writeFile(file, JSON.stringify(config));
      const checked = await cli('check-config', '--config', file);
      expect(checked.code, checked.stderr).toBe(0);
      expect(checked.stdout).toContain(id === 'webhook' ? 'webhook-onestop' : `${id}-sim`);

      simulator.child.kill('SIGTERM');
      expect(await simulator.exited).toEqual({ code: 0, signal: null });
      const printed = simulator.stdout() + simulator.stderr();
      // PEM keys are checked line by line: no piece of one is printed either.
      for (const text of texts) for (const piece of text.split('\n').filter((line) => line.length >= 8 && !line.startsWith('-----'))) expect(printed).not.toContain(piece);
    } finally {
      simulator.child.kill('SIGKILL');
    }
  });

  it('without it, says where the simulator listens and how to get a ready entry, and no credential', async () => {
    const simulator = await startSimulateCommand(['sms-viettel', '--port', '0'], { ...env, LOG_LEVEL: 'info' });
    simulator.child.kill('SIGTERM');
    expect(await simulator.exited).toEqual({ code: 0, signal: null });
    expect(simulator.stdout()).toContain(`sms-viettel simulator on ${simulator.url}`);
    expect(simulator.stdout()).toContain('lienthong simulate sms-viettel --port N --instance-out FILE');
    expect(simulator.stdout() + simulator.stderr()).not.toMatch(/password|secret/i);
    expect(await readdir(dir)).toEqual([]);
  });
});
