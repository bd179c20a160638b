import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from '../secret.ts';
import { sandboxAccount, sandboxName, sandboxSecret } from './sandbox-account.ts';

describe('sandbox accounts', () => {
  it('are made on first use, then the same for the process', () => {
    let made = 0;
    const account = sandboxAccount(() => ({ user: sandboxName(), password: sandboxSecret(), serial: ++made }));
    expect(made).toBe(0);
    const first = account();
    expect(account()).toBe(first);
    expect(made).toBe(1);
    expect(first.user).toMatch(/^sandbox_[0-9a-f]{6}$/);
  });

  it('hold secrets that never print', () => {
    const password = sandboxSecret();
    expect(password).toBeInstanceOf(Secret);
    expect(password.reveal()).toMatch(/^[\w-]{32}$/);
    expect(JSON.stringify({ password })).toBe('{"password":"[secret]"}');
    expect(inspect(password)).not.toContain(password.reveal());
    expect(sandboxSecret().reveal()).not.toBe(password.reveal());
  });

  it("make secrets in a provider's own form", () => {
    expect(sandboxSecret({ bytes: 32, encoding: 'base64', prefix: 'whsec_' }).reveal()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(sandboxName('sandbox', '-')).toMatch(/^sandbox-[0-9a-f]{6}$/);
  });
});
