import { describe, expect, it } from 'vitest';
import type { AnyPlugin } from '../sdk/contract.ts';
import { sandboxAgencies, sandboxAgencyList } from './sandbox.ts';

describe('sandbox routing', () => {
  const plugin = (id: string, capability: AnyPlugin['capability']) => ({ id, capability, operations: {} }) as unknown as AnyPlugin;
  const bankA = plugin('bank-a', 'payment');
  const bankB = plugin('bank-b', 'payment');
  const sms = plugin('sms-a', 'sms');

  it('gives a capability with one provider every agency', () => {
    expect(sandboxAgencies(sms, [bankA, sms])).toEqual(['*']);
  });

  it('splits the agencies between two providers of one capability', () => {
    const all = [sms, bankA, bankB];
    expect(sandboxAgencies(bankA, all)).toEqual(['000.00.01.H22']);
    expect(sandboxAgencies(bankB, all)).toEqual(['000.00.02.H22']);
  });

  it('adds agencies when a capability has more providers than the two named ones, one of its own for each', () => {
    const bankC = plugin('bank-c', 'payment');
    const all = [sms, bankA, bankB, bankC];
    expect(sandboxAgencyList(all).map((agency) => agency.code)).toEqual(['000.00.01.H22', '000.00.02.H22', '000.00.03.H22']);
    expect([bankA, bankB, bankC].map((bank) => sandboxAgencies(bank, all))).toEqual([['000.00.01.H22'], ['000.00.02.H22'], ['000.00.03.H22']]);
    expect(sandboxAgencies(sms, all)).toEqual(['*']);
  });

  it('deals the agencies out in turn when one capability has fewer providers than another', () => {
    const all = [plugin('sms-a', 'sms'), plugin('sms-b', 'sms'), bankA, bankB, plugin('bank-c', 'payment')];
    expect(sandboxAgencies(all[0] as AnyPlugin, all)).toEqual(['000.00.01.H22', '000.00.03.H22']);
    expect(sandboxAgencies(all[1] as AnyPlugin, all)).toEqual(['000.00.02.H22']);
  });
});
