/**
 * `lienthong new-plugin` as an adapter author runs it: generated into a copy of the repository, the new plugin
 * type-checks, keeps the layout rules, passes its own tests and its whole-gateway test, in which the sandbox routes
 * an agency to it. The copy shares this checkout's node_modules; nothing is written here.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);
/** Type-checking the whole copy and running a child vitest take a while on two cores. */
const SLOW = 300_000;

let copy: string;

/** Runs a command in the copy; resolves with its output, or fails the test with all of it. */
async function inCopy(command: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: copy, env: { ...process.env, CI: '', FORCE_COLOR: '0', NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in the copy:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`);
  }
}

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'lienthong-new-plugin-'));
  const { stdout } = await run('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const files = stdout.split('\0').filter((file) => file !== '' && !file.startsWith('node_modules/'));
  await Promise.all(files.map((file) => cp(join(ROOT, file), join(copy, file)).catch(() => undefined)));
  await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
}, SLOW);

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe('lienthong new-plugin', () => {
  it.each(['sms', 'payment', 'ecard', 'portal'])('writes a %s plugin that passes its tests and is routed an agency in the sandbox', async (capability) => {
    const id = `${capability}-example`;
    const said = await inCopy(process.execPath, ['--import', 'tsx', 'app/cli.ts', 'new-plugin', id, '--capability', capability]);
    expect(said).toContain(`plugins/${id}: a ${capability} plugin, added to app/plugins.ts`);
    expect(await readFile(join(copy, 'app/plugins.ts'), 'utf8')).toContain(`from '../plugins/${id}/index.ts'`);
    const tested = await inCopy(process.execPath, [join(copy, 'node_modules/vitest/vitest.mjs'), 'run', `plugins/${id}`, `tests/${id}-sandbox.test.ts`]);
    expect(tested).toMatch(/Test Files\s+\S*\s*3 passed/);
    expect(tested).not.toMatch(/failed|skipped/);
  }, SLOW);

  it('leaves a tree that type-checks and keeps the layout rules', async () => {
    await inCopy(process.execPath, [join(copy, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.']);
    expect(await inCopy(process.execPath, [join(copy, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'app', 'core', 'plugins', 'tests', '--config', '.dependency-cruiser.cjs'])).toContain(
      'no dependency violations found',
    );
  }, SLOW);

  it('refuses an id in use, an unknown capability and an id that is no folder name, saying what to do', async () => {
    const refusal = (args: string[]) => inCopy(process.execPath, ['--import', 'tsx', 'app/cli.ts', 'new-plugin', ...args]).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(await refusal(['sms-viettel', '--capability', 'sms'])).toContain('plugins/sms-viettel exists already');
    expect(await refusal(['fax-example', '--capability', 'fax'])).toContain("unknown capability 'fax': give one of sms, payment, ecard, portal");
    expect(await refusal(['Bad_Id', '--capability', 'sms'])).toContain("plugin id 'Bad_Id' must be lower-case words");
  }, SLOW);
});
