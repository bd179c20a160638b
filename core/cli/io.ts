/**
 * What a `lienthong` verb reads and writes besides its arguments: its output streams and its environment. The
 * program hands it the process's own; a caller in the same process (a test) hands it others, and the verb touches
 * nothing of the process's.
 */
export interface CliIo {
  stdout: { write(text: string): unknown };
  /** `isTTY`: a person reads it at a terminal, so long work may show its progress there (progress.ts). */
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** The process's own streams and environment: what `lienthong` run as a program gets. */
export function processIo(): CliIo {
  // The reader went away (`lienthong audit export | head -1`): what is left to print has nobody to read it. Stop
  // quietly, as other commands do, rather than with a stack trace.
  process.stdout.once('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
