import type { CliIo } from './io.ts';

/** Long work telling how far it has got. */
export interface Progress {
  update(done: number, total: number): void;
  /** Clears the progress line, if one was shown, so the verb's answer reads on a clean line. */
  end(): void;
}

export interface ProgressTiming {
  now?: () => number;
  /** Nothing is shown for work that ends sooner than this. Default 500 ms. */
  delayMs?: number;
  /** The line is rewritten at most this often. Default 200 ms. */
  intervalMs?: number;
}

const NONE: Progress = { update: () => undefined, end: () => undefined };
const count = (n: number) => n.toLocaleString('en-US');

/**
 * `label: 42% (1,234 of 2,900 pages)`, rewritten in place on stderr, for a person at a terminal: only when stderr
 * is one (never in a pipe, a log or a test, where it would be noise), and only for work that lasts.
 */
export function terminalProgress(stderr: CliIo['stderr'], label: string, unit: string, timing: ProgressTiming = {}): Progress {
  if (stderr.isTTY !== true) return NONE;
  const { now = Date.now, delayMs = 500, intervalMs = 200 } = timing;
  const started = now();
  let shownAt: number | undefined;
  return {
    update(done, total) {
      const at = now();
      if (at - started < delayMs || (shownAt !== undefined && at - shownAt < intervalMs && done < total)) return;
      shownAt = at;
      const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
      stderr.write(`\r\x1b[2K${label}: ${percent}% (${count(done)} of ${count(total)} ${unit})`);
    },
    end() {
      if (shownAt !== undefined) stderr.write('\r\x1b[2K');
    },
  };
}
