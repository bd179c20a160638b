/**
 * Runs a `lienthong` verb that exits (check-config, keys, messages, replay, audit, help and bad command lines) in
 * this process, through the same `run` the program calls, with the environment a child of `runCli` would get and
 * its output captured. A server verb (serve, sandbox, simulate) keeps running and belongs in a child (run-cli.ts).
 *
 * Nothing leaks into the next call: the verb gets a copy of the environment, and the process's exit code,
 * environment and working directory are checked to be as they were; a verb that writes to the process's stdout
 * rather than to the stream it was given fails the call.
 */
import { run } from '../../app/cli.ts';
import { TEST_AUDIT_KEY_TEXT } from '../../core/testing/test-audit-key.ts';
import type { ChildEnv, CliResult } from './run-cli.ts';

function commandEnv(env: ChildEnv): Record<string, string> {
  const merged: ChildEnv = { ...process.env, LOG_LEVEL: 'warn', LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT, ...env };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export async function runCliInProcess(args: string[], env: ChildEnv): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const before = { exitCode: process.exitCode, cwd: process.cwd(), env: JSON.stringify(process.env) };
  // A verb that bypasses its io (process.stdout.write) would print into the test run instead of its result.
  const processWrite = process.stdout.write;
  let strayOutput = '';
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    strayOutput += chunk.toString();
    return (processWrite as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  let code: number | undefined;
  try {
    code = await run(args, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: commandEnv(env),
    });
  } finally {
    process.stdout.write = processWrite;
  }
  const leaked = [
    process.exitCode !== before.exitCode && `process.exitCode (${String(before.exitCode)} → ${String(process.exitCode)})`,
    process.cwd() !== before.cwd && `the working directory (${before.cwd} → ${process.cwd()})`,
    JSON.stringify(process.env) !== before.env && 'process.env',
    strayOutput !== '' && `output on the process's stdout: ${strayOutput.slice(0, 200)}`,
  ].filter(Boolean);
  if (leaked.length > 0) {
    // Put back what can be, so that one failure does not become the next test's.
    process.exitCode = before.exitCode;
    process.chdir(before.cwd);
    throw new Error(`lienthong ${args.join(' ')} changed ${leaked.join(', ')}`);
  }
  if (code === undefined) throw new Error(`lienthong ${args.join(' ')} keeps running: start it as a child (run-cli.ts)`);
  return { code, signal: null, stdout, stderr };
}
