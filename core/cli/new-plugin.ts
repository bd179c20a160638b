import { parseArgs } from 'node:util';
import { SCAFFOLD_CAPABILITIES, ScaffoldError, newPlugin } from '../scaffold/new-plugin.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './usage.ts';

/** `lienthong new-plugin <id> --capability <name>`, run from the repository's root (or `root`). */
export async function newPluginCommand(args: string[], io: Pick<CliIo, 'stdout'>, root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { capability: { type: 'string' } } });
  const [id] = positionals;
  if (!id || !values.capability) throw new UsageError(`new-plugin needs an id and --capability ${SCAFFOLD_CAPABILITIES.join('|')}`);
  try {
    const written = await newPlugin(root, id, values.capability);
    io.stdout.write(
      [
        `plugins/${id}: a ${values.capability} plugin, added to app/plugins.ts`,
        ...written.map((path) => `  ${path}`),
        `next: npx vitest run plugins/${id} tests/${id}-sandbox.test.ts, then npm start (the sandbox routes an agency to it)`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldError) throw new UsageError(error.message);
    throw error;
  }
}
