import { isIPv6 } from 'node:net';

/**
 * The client a connection's remote address stands for, as the per-address limits count it: an IPv4 address as is
 * (also when written IPv4-mapped, `::ffff:203.0.113.7`), an IPv6 address by its /64 prefix, since one host or
 * subscriber is usually given a whole /64 and could otherwise take a fresh address for every connection.
 * Undefined when there is no address (a socket already closed, or `app.request` in tests).
 */
export function clientAddress(remoteAddress: string | undefined): string | undefined {
  if (!remoteAddress) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  if (mapped?.[1]) return mapped[1];
  const address = remoteAddress.split('%')[0] ?? remoteAddress;
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` filled with zeros, without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (`64:ff9b::192.0.2.1`) counts as two groups; only the first four matter here.
  const width = (list: string[]) => list.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const zeros = Array.from({ length: 8 - width(left) - width(right) }, () => '0');
  return [...left, ...zeros, ...right].map((group) => (group.includes('.') ? group : group.replace(/^0+(?=.)/, '').toLowerCase()));
}
