/**
 * The package as a province installs it: `npm pack` (which compiles dist/ through `prepare`), the tarball installed
 * into an empty folder, and the installed `lienthong` command run from there: --help, check-config, serve (until
 * /readyz answers 200, then SIGTERM) and the sandbox with every simulator. No TypeScript source and no tsx are
 * installed, and the install reaches no network.
 *
 * Offline, npm cannot resolve version ranges (its cache holds the packages `npm ci` fetched, not the registry's
 * version lists), so the empty folder gets a lockfile with the repository's own locked versions — the ones the tests
 * ran with — and `npm ci --offline` installs the tarball and them. The SQLite drivers' install scripts find this
 * machine's builds of their binaries as local prebuilds where they would download one (refused here) or compile it for
 * minutes.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REFUSE_NETWORK = new URL('./support/refuse-network.mjs', import.meta.url).href;
const AGENCY = '000.00.01.H22';
/** Packing compiles the program; the install unpacks about 150 packages: both take a while on two cores. */
const SLOW = 300_000;
const run = promisify(execFile);

let dir: string;
let folder: string;
let lienthong: string;
const children = new Set<ChildProcess>();

/** The environment an operator's shell would have: none of the test runner's own variables. */
function operatorEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of Object.keys(env)) if (name === 'NODE_ENV' || name === 'NODE_OPTIONS' || name.startsWith('VITEST')) delete env[name];
  return { ...env, ...extra };
}

/** What this test reads of an entry of package-lock.json's `packages`; the rest is copied as it is. */
interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  dev?: boolean;
}

/** A lockfile for `folder` that installs the tarball with the dependency versions of the repository's lockfile. */
async function lockfileFor(tarball: string): Promise<{ manifest: object; lock: object }> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const repoLock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${tarball}`;
  const packages: Record<string, object> = {
    '': { dependencies: { lienthong: spec } },
    'node_modules/lienthong': { version: pkg.version, resolved: spec, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path === '' || entry.dev) continue;
    // Without the tarball's address npm would ask the registry for it; with it, npm finds the tarball in its cache.
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages[path] = { ...entry, resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz` };
  }
  return {
    manifest: { private: true, dependencies: { lienthong: spec }, allowScripts: { sqlite3: true, 'better-sqlite3': true } },
    lock: { name: 'province-install', lockfileVersion: 3, requires: true, packages },
  };
}

/**
 * The SQLite drivers' binaries as built by this checkout's `npm ci`, each packed under the name its install script
 * (prebuild-install) looks for, with the variables that point it there: sqlite3 is built against N-API, better-sqlite3
 * against this Node's ABI.
 */
async function sqlitePrebuilds(): Promise<Record<string, string>> {
  const prebuilds = join(dir, 'prebuilds');
  await mkdir(prebuilds);
  const packBinary = async (name: string, binaryFile: string, tag: (version: string) => string) => {
    const folder = join(ROOT, 'node_modules', name);
    const { version } = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as { version: string };
    await run('tar', ['-czf', join(prebuilds, `${name}-v${version}-${tag(version)}-${process.platform}-${process.arch}.tar.gz`), '-C', folder, `build/Release/${binaryFile}`]);
  };
  const { binary } = JSON.parse(await readFile(join(ROOT, 'node_modules/sqlite3/package.json'), 'utf8')) as { binary: { napi_versions: number[] } };
  const napi = Math.max(...binary.napi_versions.filter((v) => v <= Number(process.versions.napi)));
  await packBinary('sqlite3', 'node_sqlite3.node', () => `napi-v${napi}`);
  await packBinary('better-sqlite3', 'better_sqlite3.node', () => `node-v${process.versions.modules}`);
  return { npm_config_sqlite3_local_prebuilds: prebuilds, npm_config_better_sqlite3_local_prebuilds: prebuilds };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-packed-'));
  const packed = await run('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: ROOT, env: operatorEnv(), maxBuffer: 16 * 1024 * 1024 });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  folder = join(dir, 'install');
  await mkdir(folder);
  const { manifest, lock } = await lockfileFor(join(dir, filename));
  await writeFile(join(folder, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(folder, 'package-lock.json'), JSON.stringify(lock, null, 2));
  const env = operatorEnv({ NODE_OPTIONS: `--import=${REFUSE_NETWORK}`, ...(await sqlitePrebuilds()) });
  const installed = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: folder, env, maxBuffer: 16 * 1024 * 1024 }).catch((error: { stderr?: string }) => {
    const hint = error.stderr?.includes('ENOTCACHED') ? "a package is missing from npm's cache: `npm ci` in the repository fills it; then run this test again\n" : '';
    throw new Error(`npm ci --offline of the packed package failed in ${folder}:\n${hint}${error.stderr ?? String(error)}`);
  });
  expect(installed.stderr).not.toContain('network attempt');
  lienthong = join(folder, 'node_modules/.bin/lienthong');
}, SLOW);

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all([...children].map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)));
  children.clear();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every path under `path` (relative to it), folders included. */
async function tree(path: string): Promise<string[]> {
  return readdir(path, { recursive: true });
}

/** Starts the installed `lienthong …args` in the install folder; resolves on the first stdout match of `ready`. */
async function start(args: string[], env: Record<string, string>, ready: RegExp) {
  const child = spawn(lienthong, args, { cwd: folder, env: operatorEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = ready.exec(stdout);
      if (found) resolve(found);
    });
    exited.then(([code, signal]) => reject(new Error(`lienthong ${args[0]} exited (${signal ?? code}) before it was ready.\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
  });
  return { match, output: () => stdout + stderr, stop: () => (child.kill('SIGTERM'), exited) };
}

/** The store's keys and a config with two instances whose secrets come from the environment and from a file. */
async function operatorSetup(): Promise<{ env: Record<string, string>; config: string }> {
  const secrets = join(folder, 'secrets');
  await mkdir(secrets, { recursive: true });
  await writeFile(join(secrets, 'paygov-secret'), randomBytes(24).toString('base64url'), { mode: 0o600 });
  const config = join(folder, 'gateway.json');
  await writeFile(
    config,
    JSON.stringify({
      agencies: [{ code: AGENCY, name: 'Trung tâm Phục vụ hành chính công' }],
      instances: [
        {
          id: 'sms',
          plugin: 'sms-viettel',
          agencies: ['*'],
          config: { endpoint: 'http://127.0.0.1:9/bulkapi', user: 'province', password: { env: 'VIETTEL_SMS_PASSWORD' }, cpCode: 'PROVINCE', brandname: 'PROVINCE' },
        },
        { id: 'paygov', plugin: 'payment-paygov', agencies: [AGENCY], config: { endpoint: 'http://127.0.0.1:9', partnerCode: 'PROVINCE', secret: { file: 'secrets/paygov-secret' } } },
      ],
    }),
  );
  const env = {
    LIENTHONG_AUDIT_KEY: randomBytes(36).toString('base64'),
    LIENTHONG_DATA_KEY: randomBytes(32).toString('base64'),
    LIENTHONG_DB: join(folder, 'data', 'lienthong.db'),
    VIETTEL_SMS_PASSWORD: randomBytes(18).toString('base64url'),
  };
  return { env, config };
}

describe('the packed package, installed into an empty folder', () => {
  it('holds the compiled program and no TypeScript source, and installs no tsx', async () => {
    const files = await tree(join(folder, 'node_modules/lienthong'));
    expect(files).toContain(join('dist', 'app', 'cli.js'));
    expect(files.filter((file) => /\.[cm]?tsx?$/.test(file) || /(^|\/)tests?\//.test(file))).toEqual([]);
    expect((await tree(join(folder, 'node_modules'))).filter((path) => /(^|\/)(tsx|typescript)$/.test(path))).toEqual([]);
  });

  it('lienthong --help prints the usage', async () => {
    const { stdout, stderr } = await run(lienthong, ['--help'], { cwd: folder, env: operatorEnv() });
    expect(stdout).toContain('Usage: lienthong <command> [options]');
    expect(stdout).toContain('serve [options]');
    expect(stderr).toBe('');
  });

  it('lienthong check-config passes a config whose secrets come from the environment and a file', async () => {
    const { env, config } = await operatorSetup();
    const { stdout } = await run(lienthong, ['check-config', '--config', config], { cwd: folder, env: operatorEnv(env) });
    expect(stdout).toBe(`${config}: ok (1 agency, 2 instances: sms, paygov)\n`);
  });

  it('lienthong serve answers /readyz 200, then stops cleanly on SIGTERM', async () => {
    const { env, config } = await operatorSetup();
    const serve = await start(['serve', '--config', config, '--port', '0', '--host', '127.0.0.1'], { ...env, LOG_LEVEL: 'info' }, /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"gateway listening"/);
    let ready = await fetch(`${serve.match[1]}/readyz`);
    while (ready.status !== 200) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await fetch(`${serve.match[1]}/readyz`);
    }
    expect(ready.status).toBe(200);
    const [code, signal] = await serve.stop();
    expect({ code, signal }, serve.output()).toEqual({ code: 0, signal: null });
  });

  it('lienthong sandbox starts every plugin with its simulator, which reads its files from the package', async () => {
    const sandbox = await start(['sandbox', '--port', '0'], {}, /simulators:\n([\s\S]*?)\n\n/);
    const simulators = Object.fromEntries(sandbox.match[1]!.trim().split('\n').map((line) => line.trim().split(/\s+/) as [string, string]));
    expect(Object.keys(simulators)).toEqual(['webhook', 'sms-viettel', 'payment-vietinbank', 'payment-paygov', 'national-portal', 'ecard']);
    const wsdl = await fetch(`${simulators['sms-viettel']}/bulkapi?wsdl`);
    expect(wsdl.status).toBe(200);
    expect(await wsdl.text()).toContain('<definitions');
    const [code, signal] = await sandbox.stop();
    expect({ code, signal }, sandbox.output()).toEqual({ code: 0, signal: null });
  });
});
