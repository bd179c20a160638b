/**
 * The program `startTestSandbox` runs in a child process: the sandbox with the plugins of the modules that
 * LIENTHONG_TEST_PLUGIN_MODULES lists (JSON, file URLs, each module's default export a plugin), delivery settings
 * from LIENTHONG_TEST_DELIVERY and worker settings from LIENTHONG_TEST_WORKER (JSON). Core names no plugin: the
 * test that starts it does.
 */
import { createLogger } from '../../logger.ts';
import { startSandbox } from '../../sandbox/sandbox.ts';
import type { AnyPlugin } from '../contract.ts';
import { announceSandbox } from './sandbox-process.ts';

const json = (name: string): unknown => (process.env[name] ? JSON.parse(process.env[name]) : undefined);

async function pluginOf(url: string): Promise<AnyPlugin> {
  const module = (await import(url)) as { default?: AnyPlugin };
  if (!module.default?.id) throw new Error(`${url}: its default export is no plugin`);
  return module.default;
}

const modules = (json('LIENTHONG_TEST_PLUGIN_MODULES') ?? []) as string[];
const sandbox = await startSandbox({
  plugins: await Promise.all(modules.map(pluginOf)),
  delivery: json('LIENTHONG_TEST_DELIVERY') as Parameters<typeof startSandbox>[0]['delivery'],
  worker: json('LIENTHONG_TEST_WORKER') as Parameters<typeof startSandbox>[0]['worker'],
  port: Number(process.env.PORT ?? 0),
  log: createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr),
});
announceSandbox(sandbox);
