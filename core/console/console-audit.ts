/** Why a sign-in was refused, as its audit entry says. */
export type SignInRefusal = 'unknown-or-revoked-key' | 'client-key' | 'too-many-attempts';

/** `console.signed-in`: an operator key opened a console session. */
export const signedInEntry = (keyId: string, at: number) => ({ at, actor: `key:${keyId}`, action: 'console.signed-in', summary: { via: 'console' } });

/** `console.signed-out`: the operator signed out (the session ends; an idle one simply expires, unaudited). */
export const signedOutEntry = (keyId: string, at: number) => ({ at, actor: `key:${keyId}`, action: 'console.signed-out', summary: { via: 'console' } });

/** `console.sign-in-refused`: an unknown, revoked or client key; the key itself is never written, a client key's id is. */
export const signInRefusedEntry = (reason: SignInRefusal, at: number, keyId?: string) => ({
  at,
  actor: keyId ? `key:${keyId}` : 'anonymous',
  action: 'console.sign-in-refused',
  summary: { via: 'console', reason },
});
