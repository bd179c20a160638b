import { describe, expect, it } from 'vitest';
import { readmeVector } from '../testing/readme-vector.ts';
import { GENESIS, chainEntries, entryContent } from './chain.ts';
import { verifyChain } from './verify.ts';

/** The README states the chain's formula and a test vector; the gateway's own code must give exactly that. */
describe("the README's audit test vector", () => {
  const vector = readmeVector();
  const key = Buffer.from(vector.key, 'utf8');

  it('is three entries chained from genesis', () => {
    expect(vector.entries.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(vector.entries[0]?.prevHash).toBe(GENESIS);
    expect(vector.key.length).toBeGreaterThanOrEqual(32);
  });

  it('is what the gateway writes: the same entries chain to the same hashes', () => {
    const inputs = vector.entries.map(({ seq: _seq, prevHash: _prevHash, hash: _hash, ...input }) => input);
    const chained = chainEntries(key, { seq: 0, hash: GENESIS }, inputs);
    expect(chained.map((entry) => [entry.seq, entry.prevHash, entry.hash])).toEqual(vector.entries.map((entry) => [entry.seq, entry.prevHash, entry.hash]));
  });

  it("prints entry 2's canonical form as the gateway makes it", () => {
    expect(entryContent(vector.entries[1]!)).toBe(vector.canonicalEntry2);
  });

  it('prints the entries as `audit export` does', () => {
    const exported = vector.entries.map(({ seq, at, actor, action, messageId, instance, summary, prevHash, hash }) =>
      JSON.stringify({ seq, at, actor, action, messageId, instance, summary, prevHash, hash }),
    );
    expect(exported).toEqual(vector.lines);
  });

  it("verifies with the gateway's verifier, and fails with another key", async () => {
    expect(await verifyChain(key, vector.entries)).toMatchObject({ ok: true, checked: 3 });
    expect(await verifyChain(Buffer.from(`${vector.key}x`, 'utf8'), vector.entries)).toMatchObject({ ok: false, seq: 1 });
  });
});
