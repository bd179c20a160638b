import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The layout's dependency rules (.dependency-cruiser.cjs, run by `npm run check:deps` in CI) catch what they are
 * for: checked on a small tree that breaks each rule once.
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

let dir: string;

async function file(path: string, text: string): Promise<void> {
  await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(join(dir, path), text);
}

/** Runs the rules over `paths` of the tree at `cwd`, as `npm run check:deps` does. */
async function cruise(cwd: string, ...paths: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [DEPCRUISE, ...paths, '--config', '.dependency-cruiser.cjs'], { cwd });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, output: failed.stdout };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-layout-'));
  await cp(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  await cp(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  await file('core/sdk/index.ts', 'export const sdk = 1;\n');
  await file('core/runtime/worker.ts', 'export const worker = 1;\n');
  await file('core/capabilities/sms.ts', 'export const sms = 1;\n');
  await file('plugins/sms-a/index.ts', "import { sdk } from '../../core/sdk/index.ts';\nimport { sms } from '../../core/capabilities/sms.ts';\nexport default [sdk, sms];\n");
  await file('tests/support/helper.ts', 'export const helper = 1;\n');
  await file('app/plugins.ts', "import a from '../plugins/sms-a/index.ts';\nexport const plugins = [a];\n");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the layout rules', () => {
  it('pass the repository as it is', async () => {
    const { code, output } = await cruise(ROOT, 'app', 'core', 'plugins', 'tests', 'bench');
    expect(output).toContain('no dependency violations found');
    expect(code).toBe(0);
  });

  it('pass a tree that keeps them: the composition root reads the plugins, a plugin uses the SDK and its capability', async () => {
    expect((await cruise(dir, 'app', 'core', 'plugins', 'tests')).code).toBe(0);
  });

  it.each([
    ['core → plugins', 'core/runtime/bad.ts', "import a from '../../plugins/sms-a/index.ts';\nexport default a;\n", 'core-not-to-plugins'],
    ['core → tests', 'core/runtime/bad.ts', "import { helper } from '../../tests/support/helper.ts';\nexport default helper;\n", 'core-not-to-tests'],
    ['core → app', 'core/runtime/bad.ts', "import { plugins } from '../../app/plugins.ts';\nexport default plugins;\n", 'core-not-to-app'],
    ['plugin → core outside the SDK', 'plugins/sms-a/bad.ts', "import { worker } from '../../core/runtime/worker.ts';\nexport default worker;\n", 'plugin-only-through-sdk'],
    ['plugin → another plugin', 'plugins/sms-b/index.ts', "import a from '../sms-a/index.ts';\nexport default a;\n", 'plugin-not-to-other-plugin'],
  ])('fail on %s, naming the rule', async (_, path, text, rule) => {
    await file(path, text);
    try {
      const { code, output } = await cruise(dir, 'app', 'core', 'plugins', 'tests');
      expect(code).not.toBe(0);
      expect(output).toContain(`error ${rule}: ${path}`);
    } finally {
      await rm(join(dir, path));
    }
  });
});
