/**
 * Sums up a V8 CPU profile (`node --cpu-prof`, or bench/hot-path.ts with HOT_PATH_PROFILE): self time by function
 * and by package or file, as a share of the profile and of the non-idle time.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArgument] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArgument ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
for (const [n, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[n] ?? 0));

const where = (url: string) => {
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (modules) return modules[1] ?? url;
  if (url.startsWith('node:')) return url;
  const ours = url.match(/\/(core|bench|plugins|app|tests)\/(.*)$/);
  return ours ? `${ours[1]}/${ours[2]}` : url || '(native)';
};

const functions = new Map<string, number>();
const places = new Map<string, number>();
let total = 0;
let idle = 0;
for (const [id, micros] of self) {
  const node = byId.get(id);
  if (!node) continue;
  total += micros;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)') idle += micros;
  const place = where(url);
  const name = `${functionName || '(anonymous)'} ${place}${url ? `:${lineNumber + 1}` : ''}`;
  functions.set(name, (functions.get(name) ?? 0) + micros);
  places.set(place, (places.get(place) ?? 0) + micros);
}
const busy = total - idle;
const line = (name: string, micros: number) => `${(micros / 1000).toFixed(0).padStart(7)} ms ${((micros / busy) * 100).toFixed(1).padStart(5)}% of busy  ${name}`;
console.log(`profile ${(total / 1e6).toFixed(2)} s, idle ${((idle / total) * 100).toFixed(1)}%, busy ${(busy / 1e6).toFixed(2)} s`);
console.log('\nself time by function:');
for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name, micros));
console.log('\nself time by package or file:');
for (const [name, micros] of [...places].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name, micros));
