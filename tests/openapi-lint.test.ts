/**
 * Whole-gateway: the OpenAPI document a running gateway serves passes an independent linter, Redocly CLI with its
 * `recommended` rules (redocly.yaml says which rule is off, and why), run as a child process that may not reach the
 * network: tests/support/refuse-network.mjs refuses and reports every connection and name look-up it tries.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestSandbox, startTestSandbox } from '../core/sdk/testing.ts';
import echoSms from './support/echo-sms/index.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REDOCLY = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
const REFUSE_NETWORK = new URL('./support/refuse-network.mjs', import.meta.url).href;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node <args>` with the network refused, in `cwd`, with only the variables a run needs: none of the developer's. */
function offline(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const childEnv = { PATH: process.env.PATH ?? '', HOME: cwd, NODE_OPTIONS: `--import=${REFUSE_NETWORK}`, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: childEnv, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
    });
  });
}

const networkAttempts = (run: Run) => run.stderr.split('\n').filter((line) => line.startsWith('network attempt:'));

let sandbox: TestSandbox;
let dir: string;
let documentFile: string;

beforeAll(async () => {
  sandbox = await startTestSandbox({ plugins: [echoSms] });
  dir = await mkdtemp(join(tmpdir(), 'lienthong-openapi-lint-'));
  const response = await fetch(`${sandbox.url}/openapi.json`);
  expect(response.status).toBe(200);
  documentFile = join(dir, 'openapi.json');
  await writeFile(documentFile, await response.text());
});

afterAll(async () => {
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the OpenAPI document under Redocly CLI', () => {
  it('is served with the sandbox as its server', async () => {
    const { servers } = (await (await fetch(`${sandbox.url}/openapi.json`)).json()) as { servers: Array<{ url: string }> };
    expect(servers).toEqual([{ url: sandbox.url, description: 'This sandbox.' }]);
  });

  it('passes the recommended rules with no error and no warning, without touching the network', async () => {
    const run = await offline([REDOCLY, 'lint', '--config', join(ROOT, 'redocly.yaml'), '--format', 'json', documentFile], dir, {
      // Redocly's documented switches: no usage data sent, no look-up of a newer version.
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    });
    expect(networkAttempts(run)).toEqual([]);
    const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number; ignored: number }; problems: Array<{ ruleId: string; message: string }> };
    expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    expect(run.code, run.stderr).toBe(0);
  });

  it('turns off only the rule redocly.yaml justifies: with every recommended rule, only the service endpoints lack a 4xx', async () => {
    const run = await offline([REDOCLY, 'lint', '--extends', 'recommended', '--format', 'json', documentFile], dir, {
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    });
    expect(networkAttempts(run)).toEqual([]);
    const report = JSON.parse(run.stdout) as { totals: { errors: number }; problems: Array<{ ruleId: string; location: Array<{ pointer: string }> }> };
    expect(report.totals.errors).toBe(0);
    expect(new Set(report.problems.map((problem) => problem.ruleId))).toEqual(new Set(['operation-4xx-response']));
    const paths = report.problems.map((problem) => decodeURIComponent(problem.location[0]?.pointer ?? '').split('/')[2]?.replace(/~1/g, '/'));
    expect(paths.sort()).toEqual(['/healthz', '/metrics', '/openapi.json', '/readyz', '/sandbox.json']);
  });

  it('would see a network attempt: the guard catches what fetch and a name look-up try', async () => {
    const script = "await fetch('https://registry.npmjs.org/@redocly/cli/latest').catch(() => {}); await import('node:dns').then((dns) => dns.promises.lookup('redocly.com')).catch(() => {});";
    const run = await offline(['--input-type=module', '-e', script], dir);
    expect(networkAttempts(run)).toEqual(['network attempt: connect registry.npmjs.org:443', 'network attempt: lookup redocly.com']);
  });
});
