import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

describe('canonical JSON', () => {
  it('gives the same bytes whatever order the keys were built in, at every level', () => {
    const a = canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } });
    const b = canonicalJson({ a: { c: 'x', d: [1, { y: 2, z: 1 }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('drops undefined members as JSON does, and keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: [undefined] })).toBe('{"b":null,"c":[null]}');
  });

  it('escapes strings as JSON does, Vietnamese included', () => {
    expect(canonicalJson({ text: 'Hồ sơ "đã" tiếp nhận\n' })).toBe(JSON.stringify({ text: 'Hồ sơ "đã" tiếp nhận\n' }));
  });

  it('agrees with JSON.stringify on what JSON keeps and drops: toJSON, functions, numbers', () => {
    const value = { at: new Date(Date.UTC(2026, 10, 21)), skip: () => 1, n: [1.5, -0, 1e21, Number.NaN], nested: { list: [() => 1, undefined] } };
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
  });
});

describe('canonical JSON, edge cases', () => {
  const cases: Array<[string, unknown, string]> = [
    ['numeric-looking keys, in string order', { 10: 'a', 9: 'b', a: { 2: 1, 1: 2 } }, '{"10":"a","9":"b","a":{"1":2,"2":1}}'],
    ['a key one object has and another lacks', { a: { x: 1 }, b: { y: 2, x: undefined } }, '{"a":{"x":1},"b":{"y":2}}'],
    ['keys named like Object.prototype members', { constructor: 1, b: { toString: 'x' }, c: {} }, '{"b":{"toString":"x"},"c":{},"constructor":1}'],
    ['a "__proto__" key', JSON.parse('{"__proto__":{"a":1},"b":{}}'), '{"__proto__":{"a":1},"b":{}}'],
    ['a Date inside', { at: new Date(Date.UTC(2026, 0, 2)), b: [{ d: 1, c: 2 }] }, '{"at":"2026-01-02T00:00:00.000Z","b":[{"c":2,"d":1}]}'],
    ['a class instance', { p: new (class { b = 1; a = 2 })() }, '{"p":{"a":2,"b":1}}'],
    ['a null-prototype object', Object.assign(Object.create(null), { b: 1, a: 2 }), '{"a":2,"b":1}'],
    ['keys with escapes and Vietnamese', { 'đ"\n': 1, a: 'ư' }, '{"a":"ư","đ\\"\\n":1}'],
    ['holes, undefined and functions in arrays', [1, , undefined, () => 1], '[1,null,null,null]'],
    ['a top-level primitive', 'x', '"x"'],
    ['undefined alone', undefined, 'null'],
  ];
  it.each(cases)('%s', (_, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  /** The definition, written the plain way: sorted keys at every level, the rest as JSON.stringify. */
  const reference = (value: unknown): string | undefined => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map((item) => reference(item) ?? 'null').join(',')}]`;
    const members = Object.keys(value)
      .sort()
      .flatMap((key) => {
        const item = reference((value as Record<string, unknown>)[key]);
        return item === undefined ? [] : [`${JSON.stringify(key)}:${item}`];
      });
    return `{${members.join(',')}}`;
  };

  it('gives the bytes of the definition for deep and wide values', () => {
    let deep: unknown = { z: 1, a: [true, null, 'x'] };
    for (let n = 0; n < 100; n++) deep = { [`k${n % 7}`]: deep, b: n };
    const wide = Object.fromEntries(Array.from({ length: 50 }, (_, n) => [`key${(n * 37) % 50}`, { v: n, u: [n, { w: n, key3: 'x' }] }]));
    for (const value of [deep, wide]) expect(canonicalJson(value)).toBe(reference(value));
  });
});
