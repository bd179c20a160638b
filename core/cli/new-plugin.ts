import { Command } from 'commander';
import { SCAFFOLD_CAPABILITIES, ScaffoldError, newPlugin } from '../scaffold/new-plugin.ts';
import { type CliContext, verbAction } from './command.ts';
import { UsageError } from './usage.ts';

/** `lienthong new-plugin <id> --capability <name>`, run from the repository's root (or `root`). */
export function newPluginCommand(context: CliContext, root = process.cwd()): Command {
  return new Command('new-plugin')
    .description('write a working adapter folder with its tests, and add it to app/plugins.ts (run from the repository)')
    .argument('<id>', "the plugin's id, lower-case words joined by dashes, e.g. sms-vnpt")
    .option('--capability <name>', SCAFFOLD_CAPABILITIES.join(' | '))
    .action(
      verbAction(context, async (command) => {
        const id = command.processedArgs[0] as string;
        const { capability } = command.opts<{ capability?: string }>();
        if (!capability) throw new UsageError(`new-plugin needs --capability ${SCAFFOLD_CAPABILITIES.join('|')}`);
        try {
          const written = await newPlugin(root, id, capability);
          context.io.stdout.write(
            [
              `plugins/${id}: a ${capability} plugin, added to app/plugins.ts`,
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
      }),
    );
}
