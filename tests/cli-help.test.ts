/**
 * The `lienthong` command line as commander parses it: every verb answers --help with its own usage and exit 0, on
 * stdout; the top-level help lists the verbs; a misspelt verb or option is refused in one line with a suggestion,
 * exit 2, and the process is never exited by the parser (run-cli-in-process checks its exit code and streams).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, runCli, spawnCli } from './support/run-cli.ts';
import { runCliInProcess } from './support/run-cli-in-process.ts';

// No store is read: --help answers before anything is opened, so the store named here is never created.
const env = { LIENTHONG_DB: '/nonexistent/lienthong.db', LIENTHONG_DATABASE_URL: undefined };
const cli = (...args: string[]) => runCliInProcess(args, env);

afterEach(killChildren);

/** Every verb of the command line, with the options its usage must show (DESIGN.md "Running it"). */
const verbs: Array<[string, string[]]> = [
  ['sandbox', ['--port <n>', '--db <file>']],
  ['serve', ['--config <file>', '--port <n>', '--host <host>', '--db <file>']],
  ['check-config', ['--config <file>']],
  ['simulate', ['<plugin>', '--port <n>', '--host <host>', '--instance-out <file>']],
  ['keys create', ['--role client|operator', '--agencies <codes>', '--all-agencies', '--label <text>', '--config <file>', '--json', '--db <file>']],
  ['keys revoke', ['<id>', '--db <file>']],
  ['keys list', ['--json', '--db <file>']],
  ['messages list', ['--status <status>', '--capability <name>', '--instance <id>', '--agency <code>', '--since <time>', '--until <time>', '--q <text>', '--limit <n>', '--json', '--db <file>']],
  ['messages show', ['<id>', '--json', '--db <file>']],
  ['replay', ['<id...>', '--status dead', '--dry-run', '--capability <name>', '--since <time>', '--db <file>']],
  ['instances list', ['--config <file>', '--json', '--db <file>']],
  ['instances pause', ['<id>', '--reason <text>', '--config <file>', '--db <file>']],
  ['instances resume', ['<id>', '--config <file>', '--db <file>']],
  ['audit verify', ['--export <file>', '--db <file>']],
  ['audit export', ['--since <time>', '--until <time>', '--db <file>']],
  ['backup', ['--to <file>', '--force', '--db <file>']],
  ['restore', ['--from <file>', '--db <file>', '--force', '--keys-file <file>']],
  ['store copy', ['--from <file>', '--to <url>', '--keys-file <file>']],
  ['new-plugin', ['<id>', '--capability <name>']],
];

describe('--help', () => {
  it.each(verbs)('lienthong %s --help prints its own usage on stdout and exits 0', async (verb, options) => {
    const result = await cli(...verb.split(' '), '--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^Usage: lienthong ${verb} `));
    for (const option of options) expect(result.stdout).toContain(option);
    expect(result.stdout).toContain('-h, --help');
  });

  it.each(verbs)('lienthong help %s and -h print the same', async (verb) => {
    const words = verb.split(' ');
    const help = (await cli(...words, '--help')).stdout;
    expect((await cli(...words, '-h')).stdout).toBe(help);
    // `help` takes the verb in its group: `lienthong help keys`, `lienthong keys help create`.
    const viaHelp = words.length === 1 ? await cli('help', verb) : await cli(words[0]!, 'help', words[1]!);
    expect(viaHelp).toMatchObject({ code: 0, stdout: help });
  });

  it('lienthong --help lists every verb, where the store is and the environment, exit 0', async () => {
    const result = await cli('--help');
    expect(result.code).toBe(0);
    const commands = result.stdout.slice(result.stdout.indexOf('Commands:\n'), result.stdout.indexOf('\n\n', result.stdout.indexOf('Commands:\n')));
    const listed = commands.split('\n').filter((line) => /^ {2}[a-z]/.test(line)).map((line) => line.trim().split(' ')[0]);
    expect(listed).toEqual(['sandbox', 'serve', 'check-config', 'simulate', 'keys', 'messages', 'replay', 'instances', 'audit', 'backup', 'restore', 'store', 'new-plugin', 'help']);
    expect(result.stdout).toContain('Each command answers --help');
    expect(result.stdout).toContain('./data/lienthong.db');
    expect(result.stdout).toContain('LIENTHONG_AUDIT_KEY');
    expect(result.stdout).toContain('2026-12-07T13:05:00+07:00');
  });

  it.each([['keys', ['create', 'revoke', 'list']], ['messages', ['list', 'show']], ['instances', ['list', 'pause', 'resume']], ['audit', ['verify', 'export']]] as Array<[string, string[]]>)(
    'lienthong %s --help lists its verbs',
    async (group, subverbs) => {
      const result = await cli(group, '--help');
      expect(result.code).toBe(0);
      for (const verb of subverbs) expect(result.stdout).toMatch(new RegExp(`^ {2}${verb} `, 'm'));
    },
  );

  it('answers as the real binary too: exit 0, the usage on stdout', async () => {
    const result = await runCli(['keys', 'create', '--help'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: lienthong keys create --role client\|operator --agencies A,B\|--all-agencies \[options\]\n/);
    expect(result.stderr).toBe('');
  });

  it('stops quietly, exit 0, when the reader of its output has gone (| head)', async () => {
    const { child, exited } = spawnCli(['--help'], env);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Closed before the program writes anything: its first write meets a pipe nobody reads.
    child.stdout?.destroy();
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stderr).toBe('');
  });
});

describe('a command line with a mistake', () => {
  it('suggests the option meant: one line, then the verb\'s usage, exit 2', async () => {
    const result = await cli('messages', 'list', '--jsno');
    expect(result.code).toBe(2);
    const [first, second, third] = result.stderr.split('\n');
    expect(first).toBe("lienthong: unknown option '--jsno' (did you mean --json?)");
    expect(second).toBe('');
    expect(third).toBe('Usage: lienthong messages list [options]');
    expect(result.stdout).toBe('');
  });

  it('suggests the verb meant', async () => {
    const result = await cli('keys', 'creat', '--role', 'client');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("lienthong: unknown command 'creat' (did you mean create?)");
    expect(result.stderr).toContain('Usage: lienthong keys <command> [options]');
  });

  it('names an option given without its value', async () => {
    const result = await cli('messages', 'list', '--db');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("lienthong: option '--db <file>' argument missing");
  });

  it('refuses an argument a verb does not take', async () => {
    const result = await cli('keys', 'list', 'extra');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^lienthong: too many arguments for 'list'/);
  });

  it('as the real binary: exit 2, nothing on stdout', async () => {
    const result = await runCli(['messages', 'list', '--jsno'], env);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("lienthong: unknown option '--jsno' (did you mean --json?)");
    expect(result.stdout).toBe('');
  });
});
