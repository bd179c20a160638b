/** `verify` with msw: what each answer becomes, and what the optional cache may and may not keep. */
import { describe, expect, it } from 'vitest';
import { expectCapabilityOutput, useMswServer } from '../../core/sdk/testing.ts';
import plugin from './index.ts';
import { capturedLog, failure, testConfig, testContext } from './test-support/context.ts';
import { cardAnswering, envelope } from './test-support/msw-ecard.ts';
import { verify } from './verify.ts';

const server = useMswServer();
const agency = '000.00.01.H22';
const cardNumber = 'TTH-EC-000101';

describe('answers', () => {
  it('maps verified, wrong (with the attempts left), locked and unknown card', async () => {
    const ctx = testContext(testConfig());
    cardAnswering(server, () => envelope('00', { verified: true }));
    const verified = await verify({ agency, cardNumber, pin: '1234' }, ctx);
    expect(verified).toEqual({ verified: true, locked: false });
    expectCapabilityOutput(plugin, 'verify', verified);
    cardAnswering(server, () => envelope('00', { verified: false }));
    expect(await verify({ agency, cardNumber, pin: '1234' }, ctx)).toEqual({ verified: false, locked: false });
    cardAnswering(server, () => envelope('10', { remainingAttempts: 2 }));
    expect(await verify({ agency, cardNumber, pin: '1234' }, ctx)).toEqual({ verified: false, locked: false, remainingAttempts: 2 });
    cardAnswering(server, () => envelope('11'));
    expect(await verify({ agency, cardNumber, otp: '123456' }, ctx)).toEqual({ verified: false, locked: false });
    cardAnswering(server, () => envelope('12', undefined, 423));
    expect(await verify({ agency, cardNumber, pin: '1234' }, ctx)).toEqual({ verified: false, locked: true, remainingAttempts: 0 });
    cardAnswering(server, () => envelope('01', undefined, 404));
    expect(await failure(verify({ agency, cardNumber, pin: '1234' }, ctx))).toMatchObject({ name: 'NotFoundError', code: 'CARD_01' });
  });

  it('takes an answer whose `verified` is neither true nor false as malformed, not as verified', async () => {
    cardAnswering(server, () => envelope('00', { verified: 'false' }));
    expect(await failure(verify({ agency, cardNumber, pin: '1234' }, testContext(testConfig())))).toMatchObject({ name: 'RetryableError', code: 'MALFORMED_ANSWER' });
  });

  it('never logs the PIN', async () => {
    const { log, lines } = capturedLog();
    cardAnswering(server, () => envelope('10', { remainingAttempts: 1 }));
    await verify({ agency, cardNumber, pin: '97531' }, testContext(testConfig(), { log }));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('97531');
  });
});

describe('cache', () => {
  it('asks the provider every time by default', async () => {
    const sent = cardAnswering(server, () => envelope('00', { verified: true }));
    const ctx = testContext(testConfig());
    await verify({ agency, cardNumber, pin: '1234' }, ctx);
    await verify({ agency, cardNumber, pin: '1234' }, ctx);
    expect(sent).toHaveLength(2);
  });

  it('drops a cached success at the first failure or refusal for the card: a lockout is never hidden', async () => {
    const ctx = testContext(testConfig({ cache: { verifyTtlMs: 60_000 } }));
    let answer = () => envelope('00', { verified: true });
    const sent = cardAnswering(server, () => answer());
    await verify({ agency, cardNumber, pin: '1234' }, ctx);
    answer = () => envelope('10', { remainingAttempts: 2 });
    await verify({ agency, cardNumber, pin: '9999' }, ctx);
    answer = () => envelope('12', undefined, 423);
    expect(await verify({ agency, cardNumber, pin: '1234' }, ctx)).toEqual({ verified: false, locked: true, remainingAttempts: 0 });
    expect(sent).toHaveLength(3);

    answer = () => envelope('00', { verified: true });
    await verify({ agency, cardNumber, pin: '1234' }, ctx);
    answer = () => envelope('13', undefined, 409);
    expect(await failure(verify({ agency, cardNumber, otp: '123456' }, ctx))).toMatchObject({ name: 'PermanentError', code: 'CARD_13' });
    expect(await failure(verify({ agency, cardNumber, pin: '1234' }, ctx))).toMatchObject({ name: 'PermanentError', code: 'CARD_13' });
    expect(sent).toHaveLength(6);
  });

  it('with verifyTtlMs, reuses a PIN answer for the same PIN only, never a one-time code, never a lockout', async () => {
    const ctx = testContext(testConfig({ cache: { verifyTtlMs: 60_000 } }));
    let answer = () => envelope('00', { verified: true });
    const sent = cardAnswering(server, () => answer());
    await verify({ agency, cardNumber, pin: '1234' }, ctx);
    await verify({ agency, cardNumber, pin: '1234' }, ctx);
    expect(sent).toHaveLength(1);
    await verify({ agency, cardNumber, pin: '4321' }, ctx);
    expect(sent).toHaveLength(2);
    await verify({ agency, cardNumber, otp: '123456' }, ctx);
    await verify({ agency, cardNumber, otp: '123456' }, ctx);
    expect(sent).toHaveLength(4);
    answer = () => envelope('12', undefined, 423);
    await verify({ agency, cardNumber, pin: '9999' }, ctx);
    await verify({ agency, cardNumber, pin: '9999' }, ctx);
    expect(sent).toHaveLength(6);
  });
});
