/**
 * Whole-command: the real `lienthong sandbox` (what `npm start` runs) as a child process. Its banner is what a
 * newcomer reads, so the keys, the curl lines and /sandbox.json are tried exactly as printed; SIGTERM must stop
 * it cleanly, simulators included.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChildEnv, type SandboxChild, killChildren, runCli, spawnCli, startSandboxCommand } from './support/run-cli.ts';

const run = promisify(execFile);

let dir: string;
let env: ChildEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-sandbox-'));
  env = {
    LIENTHONG_DB: join(dir, 'lienthong.db'),
    LIENTHONG_DATABASE_URL: undefined,
    LIENTHONG_SANDBOX_CLIENT_KEY: undefined,
    LIENTHONG_SANDBOX_OPERATOR_KEY: undefined,
    PORT: undefined,
  };
});

afterEach(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

async function stop(sandbox: SandboxChild) {
  sandbox.child.kill('SIGTERM');
  return sandbox.exited;
}

const curlLines = (banner: string) =>
  banner
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('curl '));

/** Splits a shell line the way bash would for the simple forms the banner prints: quotes and $NAME expansion. */
function shellWords(line: string, vars: ChildEnv): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unbalanced quote in ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unbalanced quote in ${line}`);
      word = (word ?? '') + expand(line.slice(i + 1, end), vars);
      i = end;
    } else if (c === '$') {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(i + 1))?.[0] ?? '';
      word = (word ?? '') + (vars[name] ?? '');
      i += name.length;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function expand(text: string, vars: ChildEnv): string {
  return text.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_all, name: string) => vars[name] ?? '');
}

/** Replays a printed `curl -s [-X M] URL [-H h]… [-d body]` line with fetch, for machines without curl. */
async function fetchLikeCurl(line: string, vars: ChildEnv): Promise<{ status: number; body: string }> {
  const words = shellWords(line, vars);
  expect(words[0]).toBe('curl');
  let url: string | undefined;
  let method: string | undefined;
  let body: string | undefined;
  const headers = new Headers();
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-s') continue;
    if (word === '-X') method = words[++i];
    else if (word === '-H') {
      const header = words[++i] ?? '';
      const colon = header.indexOf(':');
      headers.set(header.slice(0, colon).trim(), header.slice(colon + 1).trim());
    } else if (word === '-d') body = words[++i];
    else if (/^https?:\/\//.test(word)) url = word;
    else throw new Error(`the fallback does not know the curl option ${word} in: ${line}`);
  }
  if (!url) throw new Error(`no URL in: ${line}`);
  const init: RequestInit = { method: method ?? (body === undefined ? 'GET' : 'POST'), headers };
  if (body !== undefined) init.body = body;
  const answer = await fetch(url, init);
  return { status: answer.status, body: await answer.text() };
}

let hasCurl: boolean | undefined;
async function curlAvailable(): Promise<boolean> {
  hasCurl ??= await run('bash', ['-c', 'command -v curl']).then(
    () => true,
    () => false,
  );
  return hasCurl;
}

/** Runs one printed curl line as a newcomer would (bash, same environment) and returns the HTTP status and body. */
async function runPrinted(line: string, vars: ChildEnv): Promise<{ status: number; body: string }> {
  if (!(await curlAvailable())) return fetchLikeCurl(line, vars);
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  // Only appended: the line itself runs exactly as printed.
  const { stdout } = await run('bash', ['-c', `${line} -w '\\n%{http_code}'`], { env: childEnv });
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

interface SandboxJson {
  simulators: Record<string, string>;
  agencies: string[];
}

async function sandboxJson(url: string): Promise<SandboxJson> {
  const answer = await fetch(`${url}/sandbox.json`);
  expect(answer.status).toBe(200);
  return (await answer.json()) as SandboxJson;
}

/** True when nothing accepts a TCP connection at the URL's port. */
function portClosed(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve(true) : reject(error)));
  });
}

describe('lienthong sandbox with keys from the environment', () => {
  const clientKey = `lt_env_client_${randomBytes(12).toString('hex')}`;
  const operatorKey = `lt_env_operator_${randomBytes(12).toString('hex')}`;

  it('names the variables, never prints the keys, and every printed line works', async () => {
    const vars = { ...env, LIENTHONG_SANDBOX_CLIENT_KEY: clientKey, LIENTHONG_SANDBOX_OPERATOR_KEY: operatorKey };
    // debug: the most the gateway ever logs, so a leak in any log line shows.
    const sandbox = await startSandboxCommand({ ...vars, LOG_LEVEL: 'debug' });
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.banner).toContain('client key:   from $LIENTHONG_SANDBOX_CLIENT_KEY');
    expect(sandbox.banner).toContain('operator key: from $LIENTHONG_SANDBOX_OPERATOR_KEY');

    // The keys work: the client key on /v1, the operator key on /admin/v1, and not the other way round.
    const asClient = await fetch(`${sandbox.url}/v1/messages/msg_x`, { headers: { authorization: `Bearer ${clientKey}` } });
    expect(asClient.status).toBe(404);
    const asOperator = await fetch(`${sandbox.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${operatorKey}` } });
    expect(asOperator.status).toBe(200);
    const clientOnAdmin = await fetch(`${sandbox.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${clientKey}` } });
    expect(clientOnAdmin.status).toBe(403);

    // Every curl line, run as printed with the same environment, answers 2xx.
    const lines = curlLines(sandbox.banner);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.some((line) => line.includes('$LIENTHONG_SANDBOX_OPERATOR_KEY'))).toBe(true);
    for (const line of lines) {
      const { status, body } = await runPrinted(line, vars);
      expect(status, `${line}\n${body}`).toBeGreaterThanOrEqual(200);
      expect(status, `${line}\n${body}`).toBeLessThan(300);
      // The fetch fallback (for machines without curl) must read the line the same way.
      expect((await fetchLikeCurl(line, vars)).status, line).toBe(status);
    }

    // /sandbox.json names every simulator, and each answers the control endpoints.
    const { simulators, agencies } = await sandboxJson(sandbox.url);
    expect(agencies).toEqual(['000.00.01.H22', '000.00.02.H22']);
    expect(Object.keys(simulators)).toContain('webhook');
    for (const [plugin, url] of Object.entries(simulators)) {
      expect(url, plugin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.banner).toContain(url);
      const received = await fetch(`${url}/__received`);
      expect(received.status, plugin).toBe(200);
      expect(Array.isArray(await received.json()), plugin).toBe(true);
      const control = await fetch(`${url}/__control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failRate: 0, failMode: 'transient', latencyMs: 0 }) });
      expect(control.status, plugin).toBe(200);
      expect(await control.json(), plugin).toMatchObject({ failRate: 0, failMode: 'transient', latencyMs: 0 });
      const refused = await fetch(`${url}/__control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failRate: 2 }) });
      expect(refused.status, plugin).toBe(400);
    }

    expect(await stop(sandbox)).toEqual({ code: 0, signal: null });
    // Checked after the stop, so the shutdown logs are included too.
    for (const output of [sandbox.stdout(), sandbox.stderr()]) {
      expect(output).not.toContain(clientKey);
      expect(output).not.toContain(operatorKey);
    }
  });

  it('keeps working on the next start with the same database and keys', async () => {
    const vars = { ...env, LIENTHONG_SANDBOX_CLIENT_KEY: clientKey, LIENTHONG_SANDBOX_OPERATOR_KEY: operatorKey };
    const first = await startSandboxCommand(vars);
    expect(await stop(first)).toEqual({ code: 0, signal: null });
    const second = await startSandboxCommand(vars);
    const asOperator = await fetch(`${second.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${operatorKey}` } });
    expect(asOperator.status).toBe(200);
    expect(await stop(second)).toEqual({ code: 0, signal: null });
  });

  it('refuses to start when the operator variable holds a client key, naming the variable only', async () => {
    const vars = { ...env, LIENTHONG_SANDBOX_CLIENT_KEY: clientKey, LIENTHONG_SANDBOX_OPERATOR_KEY: clientKey };
    const result = await runCli(['sandbox', '--port', '0'], vars);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the key in LIENTHONG_SANDBOX_OPERATOR_KEY is a client key');
    expect(result.stdout + result.stderr).not.toContain(clientKey);
    expect(result.stdout).not.toContain('lienthong sandbox on');
  });

  it('refuses to start with a key revoked in this database', async () => {
    const vars = { ...env, LIENTHONG_SANDBOX_CLIENT_KEY: clientKey, LIENTHONG_SANDBOX_OPERATOR_KEY: operatorKey };
    const first = await startSandboxCommand(vars);
    expect(await stop(first)).toEqual({ code: 0, signal: null });
    const keys = JSON.parse((await runCli(['keys', 'list', '--json'], vars)).stdout) as Array<{ id: string; label: string | null }>;
    const client = keys.find((key) => key.label?.includes('LIENTHONG_SANDBOX_CLIENT_KEY'));
    expect(client).toBeDefined();
    expect((await runCli(['keys', 'revoke', client!.id], vars)).code).toBe(0);
    const result = await runCli(['sandbox', '--port', '0'], vars);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the key in LIENTHONG_SANDBOX_CLIENT_KEY was revoked');
    expect(result.stdout + result.stderr).not.toContain(clientKey);
  });
});

describe('lienthong sandbox without key variables', () => {
  it('prints generated keys once, in its banner, and they work', async () => {
    const sandbox = await startSandboxCommand(env);
    const client = /client key: +(\S+)/.exec(sandbox.banner)?.[1];
    const operator = /operator key: +(\S+)/.exec(sandbox.banner)?.[1];
    expect(client).toMatch(/^lt_cl_/);
    expect(operator).toMatch(/^lt_op_/);
    expect(sandbox.banner).toContain('shown once');

    const asClient = await fetch(`${sandbox.url}/v1/messages/msg_x`, { headers: { authorization: `Bearer ${client}` } });
    expect(asClient.status).toBe(404);
    const asOperator = await fetch(`${sandbox.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${operator}` } });
    expect(asOperator.status).toBe(200);
    for (const line of curlLines(sandbox.banner)) {
      const { status, body } = await runPrinted(line, env);
      expect(status, `${line}\n${body}`).toBeGreaterThanOrEqual(200);
      expect(status, `${line}\n${body}`).toBeLessThan(300);
    }

    expect(await stop(sandbox)).toEqual({ code: 0, signal: null });
    // Nowhere but in the banner: not in the logs before or after it, not on stderr.
    const stdout = sandbox.stdout();
    const outsideBanner = stdout.replace(sandbox.banner, '');
    for (const output of [outsideBanner, sandbox.stderr()]) {
      expect(output).not.toContain(client);
      expect(output).not.toContain(operator);
    }
  });

  it('generates new keys on each start', async () => {
    const first = await startSandboxCommand(env);
    const firstClient = /client key: +(\S+)/.exec(first.banner)?.[1];
    expect(await stop(first)).toEqual({ code: 0, signal: null });
    const second = await startSandboxCommand(env);
    const secondClient = /client key: +(\S+)/.exec(second.banner)?.[1];
    expect(secondClient).toMatch(/^lt_cl_/);
    expect(secondClient).not.toBe(firstClient);
    expect(await stop(second)).toEqual({ code: 0, signal: null });
  });
});

describe('lienthong sandbox on SIGTERM', () => {
  it('stops cleanly when the signal comes while it is still starting', async () => {
    // At LOG_LEVEL=info the first output is a start-up log line, before the gateway listens or the banner prints.
    const { child, exited } = spawnCli(['sandbox', '--port', '0'], { ...env, LOG_LEVEL: 'info' });
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.once('data', () => child.kill('SIGTERM'));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    expect(await exited, `${stdout}\n${stderr}`).toEqual({ code: 0, signal: null });
    expect(stderr).toContain('SIGTERM: stopping');
    expect(stdout).not.toContain('lienthong sandbox on');
    expect(stdout).not.toContain('client key');
  });

  it('exits 0 when the signal comes as soon as the banner is printed', async () => {
    // A supervisor or a script may signal the moment the banner appears: that must be a clean stop too.
    const sandbox = await startSandboxCommand(env, { signalAtBanner: 'SIGTERM' });
    expect(await sandbox.exited).toEqual({ code: 0, signal: null });
    expect(sandbox.stderr()).toContain('SIGTERM: stopping');
  });

  it('exits 0 and closes the gateway and every simulator', async () => {
    const sandbox = await startSandboxCommand(env);
    const { simulators } = await sandboxJson(sandbox.url);
    const urls = [sandbox.url, ...Object.values(simulators)];
    expect(Object.keys(simulators).length).toBeGreaterThan(0);
    for (const url of urls) expect(await portClosed(url), url).toBe(false);

    expect(await stop(sandbox)).toEqual({ code: 0, signal: null });
    expect(sandbox.stderr()).toContain('SIGTERM: stopping');
    for (const url of urls) expect(await portClosed(url), url).toBe(true);
  });
});
