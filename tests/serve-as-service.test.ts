/**
 * Whole-command: `lienthong serve` as a service manager starts it, a real child process with a config of one
 * agency and no instance: where it listens when nothing says so, and `--host` / `LIENTHONG_HOST` opening it; its
 * audit key read from a file, as systemd's LoadCredential gives it; its logs as LOG_FORMAT asks.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listenHost } from '../core/cli/serve.ts';
import { TEST_AUDIT_KEY_TEXT } from '../core/testing/test-audit-key.ts';
import { type ChildEnv, killChildren, runCli, startServeCommand } from './support/run-cli.ts';

let dir: string;
let config: string;
let env: ChildEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-serve-service-'));
  config = join(dir, 'gateway.json');
  await writeFile(config, JSON.stringify({ agencies: [{ code: '000.00.01.H22' }] }));
  env = { LIENTHONG_DB: join(dir, 'lienthong.db'), LIENTHONG_DATABASE_URL: undefined, LIENTHONG_HOST: undefined, LOG_LEVEL: 'info' };
});

afterEach(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

/** `lienthong serve --config … --port 0 …args`, resolved once `listening` matches its stdout. */
const startServe = (args: string[], childEnv: ChildEnv, listening?: RegExp) => startServeCommand(['--config', config, '--port', '0', ...args], childEnv, listening);

describe('where serve listens', () => {
  it('on 127.0.0.1 when neither --host nor LIENTHONG_HOST says otherwise, and answers there', async () => {
    const served = await startServe([], env);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    expect(await served.stop()).toEqual({ code: 0, signal: null });
  });

  it('where LIENTHONG_HOST says, and where --host says when both are given', async () => {
    const fromEnv = await startServe([], { ...env, LIENTHONG_HOST: 'localhost' });
    expect(fromEnv.url).toMatch(/^http:\/\/localhost:\d+$/);
    await fromEnv.stop();
    const fromOption = await startServe(['--host', '127.0.0.1'], { ...env, LIENTHONG_HOST: 'localhost' });
    expect(fromOption.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await fromOption.stop();
  });

  it('listenHost: --host, else LIENTHONG_HOST (an empty one is unset), else loopback; an empty --host is a usage error', () => {
    expect(listenHost(undefined, {})).toBe('127.0.0.1');
    expect(listenHost(undefined, { LIENTHONG_HOST: '' })).toBe('127.0.0.1');
    expect(listenHost(undefined, { LIENTHONG_HOST: '0.0.0.0' })).toBe('0.0.0.0');
    expect(listenHost('::', { LIENTHONG_HOST: '0.0.0.0' })).toBe('::');
    expect(() => listenHost('', {})).toThrow(/--host takes an address/);
  });
});

describe('secrets from files', () => {
  it('serve takes its audit key from LIENTHONG_AUDIT_KEY_FILE, a file in the credentials directory', async () => {
    const credentials = join(dir, 'credentials');
    await mkdir(credentials, { mode: 0o700 });
    await writeFile(join(credentials, 'audit-key'), `${TEST_AUDIT_KEY_TEXT}\n`, { mode: 0o400 });
    const served = await startServe([], { ...env, LIENTHONG_AUDIT_KEY: undefined, LIENTHONG_AUDIT_KEY_FILE: join(credentials, 'audit-key') });
    expect(await served.stop()).toEqual({ code: 0, signal: null });
    // The CLI given the key directly verifies the chain serve wrote: the same key.
    const verified = await runCli(['audit', 'verify', '--db', env.LIENTHONG_DB!], { ...env, LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT });
    expect(verified.code, verified.stderr).toBe(0);
  });

  it('a key file that is not there: one line naming it and what to do, exit 1, no store made', async () => {
    const missing = join(dir, 'credentials', 'audit-key');
    const result = await runCli(['serve', '--config', config, '--port', '0'], { ...env, LIENTHONG_AUDIT_KEY: undefined, LIENTHONG_AUDIT_KEY_FILE: missing });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`lienthong: cannot read LIENTHONG_AUDIT_KEY_FILE ${missing} (no such file): check the path, and that the user the gateway runs as may read the file\n`);
    expect(existsSync(env.LIENTHONG_DB!)).toBe(false);
  });

  it('the key given both ways is refused, naming both', async () => {
    const path = join(dir, 'audit-key');
    await writeFile(path, `${TEST_AUDIT_KEY_TEXT}\n`, { mode: 0o600 });
    const result = await runCli(['serve', '--config', config, '--port', '0'], { ...env, LIENTHONG_AUDIT_KEY_FILE: path });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LIENTHONG_AUDIT_KEY and LIENTHONG_AUDIT_KEY_FILE are both set');
  });
});

describe('LOG_FORMAT', () => {
  it('pretty: serve logs for a person at a terminal, and stops cleanly', async () => {
    const served = await startServe([], { ...env, LOG_FORMAT: 'pretty' }, /INFO: gateway listening\n\s+url: "(http:\/\/127\.0\.0\.1:\d+)"/);
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    expect(await served.stop()).toEqual({ code: 0, signal: null });
    expect(served.stdout()).toMatch(/^\[[^\]]+\+07:00\] INFO: gateway stopped$/m);
    expect(served.stdout()).not.toContain('{"level"');
  });

  it('an unknown format: one line naming the valid ones, exit 1, no store made', async () => {
    const result = await runCli(['serve', '--config', config, '--port', '0'], { ...env, LOG_FORMAT: 'text' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("lienthong: LOG_FORMAT must be json or pretty, not 'text'; unset it for json\n");
    expect(existsSync(env.LIENTHONG_DB!)).toBe(false);
  });
});
