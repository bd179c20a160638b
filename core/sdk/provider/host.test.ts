import { describe, expect, it } from 'vitest';
import { hostOf } from './host.ts';

describe('hostOf', () => {
  it('keeps the host and port, never the path, query or credentials', () => {
    expect(hostOf('http://user:pw@sms.viettel.test:8009/bulkapi?password=x')).toBe('sms.viettel.test:8009');
    expect(hostOf('https://adapter.dichvucong.gov.vn/api/auth/login')).toBe('adapter.dichvucong.gov.vn');
  });

  it('reads a relative URL against its base', () => {
    expect(hostOf('/payments', { base: 'https://api.vietinbank.test/v1' })).toBe('api.vietinbank.test');
  });

  it('names the other side when there is no host to show', () => {
    expect(hostOf('not a url')).toBe('provider');
    expect(hostOf(undefined)).toBe('provider');
    expect(hostOf('::', { unknown: 'subscriber' })).toBe('subscriber');
  });
});
