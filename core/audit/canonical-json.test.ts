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
