/**
 * Test support: the sandbox of sandbox-main.ts, after writing the secrets its simulators made up for this process
 * (the Viettel account's password, the webhook signing secret) to LIENTHONG_TEST_SECRETS_FILE, so that
 * tests/no-leaks.test.ts can look for them in everything the gateway wrote. The simulators keep one account per
 * process, so the sandbox started below uses these very values.
 */
import { writeFileSync } from 'node:fs';
import { Secret } from '../../core/sdk/secret.ts';
import { viettelSimulator } from '../../plugins/sms-viettel/simulator/index.ts';
import { webhookReceiver } from '../../core/webhooks/receiver.ts';

const file = process.env.LIENTHONG_TEST_SECRETS_FILE;
if (!file) throw new Error('LIENTHONG_TEST_SECRETS_FILE is not set');

function revealed(config: Record<string, unknown>, field: string): string {
  const value = config[field];
  if (!(value instanceof Secret)) throw new Error(`the simulator's sandbox config has no secret ${field}`);
  return value.reveal();
}

const unused = 'http://127.0.0.1:9';
const secrets = {
  viettelPassword: revealed(viettelSimulator.sandboxConfig(unused), 'password'),
  webhookSecret: revealed(webhookReceiver.sandboxConfig(unused), 'secret'),
};
writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });

await import('./sandbox-main.ts');
