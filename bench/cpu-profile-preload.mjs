// Loaded with `--import` (NODE_OPTIONS refuses --cpu-prof on Node 20): profiles the main thread of this process from
// start to exit and writes the V8 CPU profile into HOT_PATH_PROFILE_DIR (bench/hot-path.ts sets both).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.HOT_PATH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // A same-thread session answers synchronously: the profile is written before the process is gone.
  process.once('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `child-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
