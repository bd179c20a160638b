/**
 * The README's configuration example is the file an operator starts from: it names every top-level key and an
 * instance of every plugin, and `lienthong check-config` (the real command, in a child process) accepts it as written,
 * with each secret it references, by `{ env }` or `{ file }`, made up here. README and code cannot drift apart.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plugins } from '../app/plugins.ts';
import { gatewayConfigSchema } from '../core/config/schema.ts';
import { type CliResult, ROOT, killChildren, spawnCli } from './support/run-cli.ts';

interface SecretReference {
  /** The field that holds it, e.g. `privateKey`, and whether it is a webhook subscription's. */
  field: string;
  webhook: boolean;
  env?: string;
  file?: string;
}

/** The first JSON block of the README's "Configuration" section, parsed. */
async function readmeExample(): Promise<Record<string, unknown>> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Configuration\n'));
  const block = /```json\n([\s\S]*?)\n```/.exec(section.slice(0, section.indexOf('\n## ', 1)));
  if (!block?.[1]) throw new Error('README.md: no ```json block in the Configuration section');
  return JSON.parse(block[1]) as Record<string, unknown>;
}

/** Every `{ "env" }` and `{ "file" }` in the example, with the field it sits in. */
function secretReferences(value: unknown, field = '', webhook = false): SecretReference[] {
  if (Array.isArray(value)) return value.flatMap((item) => secretReferences(item, field, webhook));
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value);
  if (entries.length === 1 && (entries[0]?.[0] === 'env' || entries[0]?.[0] === 'file')) return [{ field, webhook, [entries[0][0]]: entries[0][1] as string }];
  return entries.flatMap(([key, item]) => secretReferences(item, key, webhook || key === 'webhooks'));
}

/** A value of the form the field needs: PEM keys where a key is asked for, a `whsec_` key for a webhook. */
function madeUpSecret(reference: SecretReference, keys: { privateKey: string; publicKey: string }): string {
  if (reference.webhook) return `whsec_${randomBytes(32).toString('base64')}`;
  if (/publickey$/i.test(reference.field)) return keys.publicKey;
  if (/privatekey$/i.test(reference.field)) return keys.privateKey;
  return randomBytes(18).toString('base64url');
}

/** `lienthong …args` run to its end in `cwd`, where the example's relative `{ file }` paths are read from. */
async function runIn(cwd: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const { child, exited } = spawnCli(args, env, { cwd });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const { code, signal } = await exited;
  return { code, signal, stdout, stderr };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-readme-config-'));
});
afterAll(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

describe("the README's configuration example", () => {
  it('names every top-level key, an instance of every plugin, webhook subscriptions and secrets by env and by file', async () => {
    const example = await readmeExample();
    expect(Object.keys(example).sort()).toEqual(Object.keys(gatewayConfigSchema.entries).sort());
    const instances = example['instances'] as Array<{ plugin: string }>;
    expect(new Set(instances.map((instance) => instance.plugin))).toEqual(new Set(plugins.map((plugin) => plugin.id)));
    expect(example['agencies']).not.toHaveLength(0);
    expect(example['webhooks']).not.toHaveLength(0);
    const references = secretReferences(example);
    expect(references.some((reference) => reference.env)).toBe(true);
    expect(references.some((reference) => reference.file)).toBe(true);
  });

  it('passes lienthong check-config as written, given the secrets it names', async () => {
    const example = await readmeExample();
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const env: Record<string, string> = {};
    const secrets: string[] = [];
    for (const reference of secretReferences(example)) {
      const secret = madeUpSecret(reference, keys);
      secrets.push(secret);
      if (reference.env) env[reference.env] = secret;
      if (reference.file) {
        await mkdir(dirname(join(dir, reference.file)), { recursive: true });
        await writeFile(join(dir, reference.file), `${secret}\n`, { mode: 0o600 });
      }
    }
    await writeFile(join(dir, 'gateway.json'), JSON.stringify(example, null, 2));

    const result = await runIn(dir, ['check-config', '--config', 'gateway.json'], env);

    expect(result.code, result.stderr).toBe(0);
    const ids = [...(example['instances'] as Array<{ id: string }>).map((instance) => instance.id), ...(example['webhooks'] as Array<{ id: string }>).map((hook) => `webhook-${hook.id}`)];
    expect(result.stdout).toMatch(/gateway\.json: ok/);
    for (const id of ids) expect(result.stdout).toContain(id);
    for (const secret of secrets) {
      expect(result.stdout + result.stderr).not.toContain(secret.split('\n')[1] ?? secret);
    }
  });
});
