import { describe, expect, it } from 'vitest';
import { expectCapabilityOutput } from './capability-output.ts';

const sms = { id: 'sms-example', capability: 'sms' as const };

describe('expectCapabilityOutput', () => {
  it('passes a result the capability allows', () => {
    expect(() => expectCapabilityOutput(sms, 'send', { providerMessage: 'OK', segments: 1, duplicate: false })).not.toThrow();
  });

  it("fails with the capability schema's message, naming the plugin and the field", () => {
    expect(() => expectCapabilityOutput(sms, 'send', { providerMessage: 'OK', segments: '1' })).toThrow(
      /^plugin 'sms-example' answered sms\/send with a result its capability does not allow \(segments: .+\); fix the plugin$/,
    );
  });

  it('fails for an operation the capability does not have', () => {
    const untyped: { id: string; capability: 'sms' } = sms;
    expect(() => expectCapabilityOutput(untyped, 'sned' as 'send', {})).toThrow("capability 'sms' has no operation 'sned'");
  });
});
