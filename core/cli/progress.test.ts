import { describe, expect, it } from 'vitest';
import { terminalProgress } from './progress.ts';

function terminal(isTTY: boolean) {
  const stream = { isTTY, text: '', write(text: string) { stream.text += text; } };
  return stream;
}

describe('progress of long CLI work', () => {
  it('is shown on a terminal once the work lasts, rewritten in place at most every interval, then cleared', () => {
    const stderr = terminal(true);
    let clock = 0;
    const progress = terminalProgress(stderr, 'backup', 'pages', { now: () => clock, delayMs: 500, intervalMs: 200 });
    progress.update(100, 5000);
    expect(stderr.text).toBe('');
    clock = 600;
    progress.update(1200, 5000);
    clock = 700;
    progress.update(1500, 5000);
    clock = 850;
    progress.update(2500, 5000);
    clock = 900;
    progress.update(5000, 5000);
    progress.end();
    expect(stderr.text.split('\r\x1b[2K')).toEqual(['', 'backup: 24% (1,200 of 5,000 pages)', 'backup: 50% (2,500 of 5,000 pages)', 'backup: 100% (5,000 of 5,000 pages)', '']);
  });

  it('says nothing for work that ends quickly', () => {
    const stderr = terminal(true);
    const progress = terminalProgress(stderr, 'replay', 'messages', { now: () => 0 });
    progress.update(10, 10);
    progress.end();
    expect(stderr.text).toBe('');
  });

  it('says nothing where stderr is not a terminal: a pipe, a log, a test', () => {
    const stderr = terminal(false);
    let clock = 0;
    const progress = terminalProgress(stderr, 'backup', 'pages', { now: () => clock });
    clock = 10_000;
    progress.update(1, 2);
    progress.end();
    expect(stderr.text).toBe('');
  });
});
