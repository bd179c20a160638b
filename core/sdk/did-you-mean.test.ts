import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearestNames } from './did-you-mean.ts';

describe('edit distance', () => {
  it.each([
    ['instance', 'instances', 1],
    ['payment.succeded', 'payment.succeeded', 1],
    ['payment.sucecede', 'payment.succeede', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['same', 'same', 0],
  ])('%s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('nearest names', () => {
  const keys = ['publicUrl', 'agencies', 'instances', 'webhooks', 'limits', 'retention'];

  it('suggests the name a typo was meant to be, ignoring case', () => {
    expect(nearestNames('instance', keys)).toEqual(['instances']);
    expect(nearestNames('webhook', keys)).toEqual(['webhooks']);
    expect(nearestNames('publicURL', keys)).toEqual(['publicUrl']);
    expect(nearestNames('agences', keys)).toEqual(['agencies']);
    expect(nearestNames('agency', keys)).toEqual(['agencies']);
  });

  it('suggests nothing when no name is near, however short the name', () => {
    expect(nearestNames('plugins', keys)).toEqual([]);
    expect(nearestNames('x', keys)).toEqual([]);
    expect(nearestNames('id', ['url', 'to'])).toEqual([]);
    expect(nearestNames('', keys)).toEqual([]);
  });

  it('keeps every name at the same smallest distance', () => {
    expect(nearestNames('payment.faild', ['payment.failed', 'payment.faile', 'message.dead'])).toEqual(['payment.failed', 'payment.faile']);
  });
});

describe('didYouMean', () => {
  it('suggests the near name, or lists the known ones when none is near', () => {
    expect(didYouMean('instance', ['agencies', 'instances'])).toBe(" (did you mean 'instances'?)");
    expect(didYouMean('refund.done', ['message.dead', 'payment.failed'], 'events')).toBe(' (events: message.dead, payment.failed)');
    expect(didYouMean('anything', [])).toBe('');
  });
});
