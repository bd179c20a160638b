/**
 * Test support, loaded with `node --import` into a child process that must work offline: every attempt to open a
 * network connection or to resolve a host name is refused (the caller sees ECONNREFUSED) and reported on stderr as
 * one line `network attempt: …`, so that the test can assert there was none. Unix sockets stay open: they are local.
 */
import dns from 'node:dns';
import net from 'node:net';

const report = (what) => process.stderr.write(`network attempt: ${what}\n`);
const refused = (what) => Object.assign(new Error(`${what}: no network in this test`), { code: 'ECONNREFUSED' });

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function refuseNetwork(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : 'localhost' };
  if (options.path !== undefined && options.port === undefined) return connect.apply(this, args);
  const what = `connect ${options.host ?? 'localhost'}:${options.port}`;
  report(what);
  process.nextTick(() => this.destroy(refused(what)));
  return this;
};

for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveTxt', 'resolveSrv']) {
  const callback = dns[name];
  dns[name] = function refuseLookup(host, ...rest) {
    report(`${name} ${host}`);
    const done = rest.findLast((arg) => typeof arg === 'function');
    process.nextTick(() => done?.(refused(`${name} ${host}`)));
  };
  if (typeof callback !== 'function') delete dns[name];
  dns.promises[name] = async (host) => {
    report(`${name} ${host}`);
    throw refused(`${name} ${host}`);
  };
}
