/**
 * `lienthong new-plugin <id> --capability <name>`: writes a working plugin folder (config schema, operations over a
 * JSON API, answer-code table, simulator with fault modes, unit and simulator tests), a whole-gateway test, and adds
 * the plugin to the composition root's list, so that it passes `npm test` as generated and shows in the sandbox.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ScaffoldOperation, SCAFFOLD_OPERATIONS } from './samples.ts';

const TEMPLATES = fileURLToPath(new URL('./template/', import.meta.url));
const PLUGIN_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Template → where it goes, `<id>` standing for the plugin's id. */
const FILES: Record<string, string> = {
  'index.ts.tpl': 'plugins/<id>/index.ts',
  'config.ts.tpl': 'plugins/<id>/config.ts',
  'client.ts.tpl': 'plugins/<id>/client.ts',
  'answer-codes.ts.tpl': 'plugins/<id>/answer-codes.ts',
  'client.test.ts.tpl': 'plugins/<id>/client.test.ts',
  'README.md.tpl': 'plugins/<id>/README.md',
  'simulator/server.ts.tpl': 'plugins/<id>/simulator/server.ts',
  'simulator/index.ts.tpl': 'plugins/<id>/simulator/index.ts',
  'simulator.test.ts.tpl': 'plugins/<id>/simulator/simulator.test.ts',
  'test-support/config.ts.tpl': 'plugins/<id>/test-support/config.ts',
  'sandbox.test.ts.tpl': 'tests/<id>-sandbox.test.ts',
};

export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

export type ScaffoldCapability = keyof typeof SCAFFOLD_OPERATIONS;

export const SCAFFOLD_CAPABILITIES = Object.keys(SCAFFOLD_OPERATIONS) as ScaffoldCapability[];

/** Writes the plugin under `root` (the repository) and lists the files written, relative to it. */
export async function newPlugin(root: string, id: string, capability: string): Promise<string[]> {
  if (!PLUGIN_ID.test(id)) throw new ScaffoldError(`plugin id '${id}' must be lower-case words of letters and digits joined by dashes, e.g. sms-vnpt`);
  if (!isScaffoldCapability(capability)) {
    throw new ScaffoldError(`unknown capability '${capability}': give one of ${SCAFFOLD_CAPABILITIES.join(', ')}`);
  }
  const folder = join(root, 'plugins', id);
  if (await exists(folder)) throw new ScaffoldError(`plugins/${id} exists already: choose another id, or remove the folder first`);
  const list = join(root, 'app', 'plugins.ts');
  const plugins = await readFile(list, 'utf8').catch(() => {
    throw new ScaffoldError(`no app/plugins.ts under ${root}: run new-plugin from the repository's root`);
  });

  // Worked out before anything is written: a list new-plugin cannot edit leaves no half-made plugin behind.
  const listed = withPlugin(plugins, id);
  const operations = SCAFFOLD_OPERATIONS[capability];
  const tokens = tokensFor(id, capability, operations);
  const written: string[] = [];
  for (const [template, target] of Object.entries(FILES)) {
    const path = target.replace('<id>', id);
    await write(root, path, fill(await readFile(join(TEMPLATES, template), 'utf8'), tokens));
    written.push(path);
  }
  const answers = `plugins/${id}/simulator/answers.ts`;
  await write(root, answers, answersModule(capability, operations));
  written.push(answers);
  await writeFile(list, listed);
  written.push('app/plugins.ts');
  return written;
}

function isScaffoldCapability(name: string): name is ScaffoldCapability {
  return Object.hasOwn(SCAFFOLD_OPERATIONS, name);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function write(root: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text, { flag: 'wx' });
}

const pascal = (id: string) => id.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
const camel = (id: string) => pascal(id).charAt(0).toLowerCase() + pascal(id).slice(1);
const indent = (text: string, spaces: number) => text.replace(/\n/g, `\n${' '.repeat(spaces)}`);

function tokensFor(id: string, capability: ScaffoldCapability, operations: ScaffoldOperation[]): Record<string, string> {
  const outputs = [...new Set(operations.filter((operation) => !operation.binary).map((operation) => operation.output))].sort();
  const requests = Object.fromEntries(operations.map((operation) => [operation.name, operation.input]));
  const first = operations[0];
  return {
    __ID__: id,
    __NAME__: pascal(id),
    __UNDERSCORE__: id.replace(/-/g, '_'),
    __CAP__: capability,
    __OUTPUT_IMPORTS__: outputs.join(', '),
    __CALL_IMPORTS__: operations.some((operation) => operation.binary) ? 'call, callFile' : 'call',
    __OPERATIONS__: operations
      .map((operation) =>
        operation.binary
          ? `    ${operation.name}: { run: (input, ctx) => callFile(ctx, '${operation.name}', input) },`
          : `    ${operation.name}: { run: (input, ctx) => call(ctx, '${operation.name}', input, ${operation.output}) },`,
      )
      .join('\n'),
    __OPERATION_LIST__: operations.map((operation) => `\`${operation.name}\``).join(', '),
    __REQUESTS__: literal(requests),
    __FIRST_OPERATION__: first?.name ?? '',
    __FIRST_REQUEST__: literal(first?.input ?? {}),
  };
}

/** A JSON value as a TypeScript literal in the repository's style: plain keys where they can be, single quotes. */
function literal(value: unknown, depth = 0): string {
  const pad = '  '.repeat(depth + 1);
  const end = '  '.repeat(depth);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(value)) {
    return value.length === 0 ? '[]' : `[\n${value.map((item) => `${pad}${literal(item, depth + 1)},`).join('\n')}\n${end}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : literal(name));
    return `{\n${entries.map(([name, item]) => `${pad}${key(name)}: ${literal(item, depth + 1)},`).join('\n')}\n${end}}`;
  }
  return JSON.stringify(value);
}

function fill(template: string, tokens: Record<string, string>): string {
  return template.replace(/__[A-Z_]+?__/g, (token) => tokens[token] ?? token);
}

/** The simulator's answers; a capability with files gets one file, whose SHA-256 its document list gives. */
function answersModule(capability: ScaffoldCapability, operations: ScaffoldOperation[]): string {
  const files = operations.some((operation) => operation.binary);
  const entries = operations.map((operation) => {
    const answer = literal(operation.answer)
      .replace(/sha256: ''/g, 'sha256: FILE_SHA256')
      .replace(/base64: ''/g, "base64: FILE.toString('base64')");
    return `  ${operation.name}: () => (${indent(answer, 2)}),`;
  });
  return [
    ...(files
      ? [
          "import { createHash } from 'node:crypto';",
          '',
          "/** The one file the simulator holds: a stand-in for a document's PDF. */",
          "const FILE = Buffer.from('%PDF-1.4\\n% a document of the simulated provider\\n');",
          "const FILE_SHA256 = createHash('sha256').update(FILE).digest('hex');",
          '',
        ]
      : []),
    `/** What the simulator answers for each operation: valid for the capability (core/capabilities/${capability}.ts). */`,
    'export const ANSWERS: Record<string, () => Record<string, unknown>> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

/** The plugin list with the new plugin imported and listed last. */
function withPlugin(list: string, id: string): string {
  const name = camel(id);
  const path = `../plugins/${id}/index.ts`;
  const statement = `import ${name} from '${path}';`;
  const imports = [...list.matchAll(/^import .*;$/gm)];
  const last = imports.at(-1);
  const listed = /(export const plugins: AnyPlugin\[\] = \[)([^\]]*)(\];)/.exec(list);
  if (!last || last.index === undefined || !listed) {
    throw new ScaffoldError(`app/plugins.ts does not look as new-plugin expects: add "${statement}" and ${name} to the list by hand`);
  }
  const afterImports = last.index + last[0].length;
  const withImport = `${list.slice(0, afterImports)}\n${statement}${list.slice(afterImports)}`;
  return withImport.replace(/(export const plugins: AnyPlugin\[\] = \[)([^\]]*)(\];)/, (_, open: string, items: string, close: string) => {
    const kept = items.trimEnd().replace(/,$/, '');
    return `${open}${kept.trim() === '' ? name : `${kept}, ${name}`}${close}`;
  });
}
