/**
 * Whole-command: `lienthong serve` as a service manager starts it, a real child process with a config of one
 * agency and no instance: where it listens when nothing says so, and `--host` / `LIENTHONG_HOST` opening it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listenHost } from '../core/cli/serve.ts';
import { type ChildEnv, killChildren, spawnCli } from './support/run-cli.ts';

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

interface Served {
  url: string;
  stdout(): string;
  stderr(): string;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `lienthong serve --port 0 …args`; resolves once `listening` matches its stdout, with the URL it captured. */
async function startServe(args: string[], childEnv: ChildEnv, listening: RegExp): Promise<Served> {
  const { child, exited } = spawnCli(['serve', '--config', config, '--port', '0', ...args], childEnv);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = listening.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    exited.then(({ code, signal }) => reject(new Error(`serve exited (${signal ?? code}) before it listened.\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
  });
  return {
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

const LISTENING_JSON = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"gateway listening"/;

describe('where serve listens', () => {
  it('on 127.0.0.1 when neither --host nor LIENTHONG_HOST says otherwise, and answers there', async () => {
    const served = await startServe([], env, LISTENING_JSON);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    expect(await served.stop()).toEqual({ code: 0, signal: null });
  });

  it('where LIENTHONG_HOST says, and where --host says when both are given', async () => {
    const fromEnv = await startServe([], { ...env, LIENTHONG_HOST: 'localhost' }, LISTENING_JSON);
    expect(fromEnv.url).toMatch(/^http:\/\/localhost:\d+$/);
    await fromEnv.stop();
    const fromOption = await startServe(['--host', '127.0.0.1'], { ...env, LIENTHONG_HOST: 'localhost' }, LISTENING_JSON);
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
