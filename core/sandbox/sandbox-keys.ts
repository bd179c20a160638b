import { createKey, hashKey } from '../api-keys.ts';
import type { ApiKeyStore, KeyRole } from '../store/types.ts';

export interface SandboxKey {
  role: KeyRole;
  /** The key itself when it was generated now; undefined when it comes from the environment. */
  token: string;
  /** The variable it came from, when it did. */
  fromEnv?: string;
}

/** The sandbox's client and operator keys: from the environment when set, otherwise generated for this run. */
export async function sandboxKeys(store: ApiKeyStore, env: Record<string, string | undefined>): Promise<SandboxKey[]> {
  const keys: SandboxKey[] = [];
  for (const [role, variable] of [['client', 'LIENTHONG_SANDBOX_CLIENT_KEY'], ['operator', 'LIENTHONG_SANDBOX_OPERATOR_KEY']] as const) {
    const fromEnv = env[variable];
    if (fromEnv) {
      const existing = await store.findKeyByHash(hashKey(fromEnv));
      if (existing?.revokedAt != null) throw new Error(`the key in ${variable} was revoked in this database; set another one`);
      // Otherwise the sandbox would announce an operator key that every admin call refuses (or the reverse).
      if (existing && existing.role !== role) throw new Error(`the key in ${variable} is a ${existing.role} key in this database, not a ${role} key; set another one`);
      if (!existing) await createKey(store, { actor: 'sandbox', role, token: fromEnv, label: `sandbox ${role} (${variable})` });
      keys.push({ role, token: fromEnv, fromEnv: variable });
    } else {
      const { token } = await createKey(store, { actor: 'sandbox', role, label: `sandbox ${role}` });
      keys.push({ role, token });
    }
  }
  return keys;
}
