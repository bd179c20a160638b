/**
 * The whole gateway for an adapter's own tests: the sandbox (its store in a temporary directory, the plugins'
 * simulators, generated keys) in this process or in a child process, and a client of it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Logger, pino } from 'pino';
import type { GatewayOptions } from '../../gateway.ts';
import { startSandbox } from '../../sandbox/sandbox.ts';
import type { AnyPlugin, DeliveryOverrides } from '../contract.ts';
import { type SandboxClient, sandboxClient } from './sandbox-client.ts';
import { type SandboxProcess, spawnSandbox } from './sandbox-process.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface TestSandboxSettings {
  /** Applied to every instance, e.g. a short backoff so that a retry takes milliseconds. */
  delivery?: DeliveryOverrides;
  worker?: GatewayOptions['worker'];
  /**
   * The sandbox's variables (LIENTHONG_SANDBOX_CLIENT_KEY, LIENTHONG_DATA_KEY …). LIENTHONG_DB defaults to a file in
   * a temporary directory that `stop` removes.
   */
  env?: Record<string, string>;
}

export interface InProcessSandboxOptions extends TestSandboxSettings {
  plugins: readonly AnyPlugin[];
  /** Default: silent. */
  log?: Logger;
}

export interface ChildSandboxOptions extends TestSandboxSettings {
  /** In a process of its own, e.g. to kill it: the modules whose default export is a plugin, as file URLs or paths from the repository's root. */
  child: { plugins: ReadonlyArray<string | URL> };
}

export interface TestSandbox extends SandboxClient {
  /** The child process, for a sandbox started with `child`. */
  process?: SandboxProcess;
  /** Stops the gateway and the simulators, and removes the temporary store. */
  stop(): Promise<void>;
}

export async function startTestSandbox(options: InProcessSandboxOptions | ChildSandboxOptions): Promise<TestSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-test-sandbox-'));
  const removeStore = () => rm(dir, { recursive: true, force: true });
  const env = { LIENTHONG_DB: join(dir, 'sandbox.db'), ...options.env };
  try {
    return 'child' in options ? await inChildProcess(options, env, removeStore) : await inThisProcess(options, env, removeStore);
  } catch (error) {
    await removeStore();
    throw error;
  }
}

async function inThisProcess(options: InProcessSandboxOptions, env: Record<string, string>, removeStore: () => Promise<void>): Promise<TestSandbox> {
  const { delivery, worker } = options;
  const sandbox = await startSandbox({ plugins: options.plugins, port: 0, log: options.log ?? pino({ level: 'silent' }), env, delivery, worker });
  const token = (role: string) => sandbox.keys.find((key) => key.role === role)?.token ?? '';
  const client = sandboxClient({ url: sandbox.gateway.url, simulators: sandbox.simulators, keys: { client: token('client'), operator: token('operator') } });
  return {
    ...client,
    async stop() {
      await sandbox.stop();
      await removeStore();
    },
  };
}

async function inChildProcess(options: ChildSandboxOptions, env: Record<string, string>, removeStore: () => Promise<void>): Promise<TestSandbox> {
  const modules = options.child.plugins.map((module) => (module instanceof URL ? module.href : pathToFileURL(resolve(ROOT, module)).href));
  const child = await spawnSandbox(new URL('./sandbox-child.ts', import.meta.url), {
    // Free ports whatever the developer's shell says.
    LIENTHONG_SANDBOX_PORT_BASE: '',
    LIENTHONG_TEST_PLUGIN_MODULES: JSON.stringify(modules),
    ...(options.delivery ? { LIENTHONG_TEST_DELIVERY: JSON.stringify(options.delivery) } : {}),
    ...(options.worker ? { LIENTHONG_TEST_WORKER: JSON.stringify(options.worker) } : {}),
    ...env,
  });
  return {
    ...sandboxClient({ url: child.url, simulators: child.simulators, keys: child.keys }),
    process: child,
    async stop() {
      await child.stop();
      await removeStore();
    },
  };
}
