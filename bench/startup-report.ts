import { STARTUP_VARIANTS, type StartupBench, type StartupVariant } from './startup.ts';
import { alignColumns } from './table.ts';

const int = (value: number) => value.toFixed(0);
const mb = (value: number) => value.toFixed(1);

/** Start-up time and memory of `serve`, under tsx and compiled, as lines for the bench's report. */
export function startupSection({ settings, settleMs, variants }: StartupBench): string[] {
  const row = (variant: StartupVariant) => {
    const { ready, rss } = variants[variant];
    return [STARTUP_VARIANTS[variant].label, int(ready.median), `${int(ready.min)}-${int(ready.max)}`, mb(rss.median), `${mb(rss.min)}-${mb(rss.max)}`];
  };
  const { tsx, compiled } = variants;
  return [
    `Start-up of lienthong serve: spawn until /readyz answers 200, and RSS ${settleMs / 1000} s after; ${settings.runs} starts of each, in turns`,
    ...alignColumns([['serve', 'ready ms median', 'min-max', 'RSS MB median', 'min-max'], row('tsx'), row('compiled')]),
    `compiled / tsx: start-up ${Math.round((compiled.ready.median / tsx.ready.median) * 100)}%, RSS ${Math.round((compiled.rss.median / tsx.rss.median) * 100)}% ` +
      `(tsx: node --import tsx app/cli.ts serve, its transform cache warm; compiled: node bin/lienthong.js serve)`,
  ];
}
