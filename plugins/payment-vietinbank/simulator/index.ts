import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { sandboxAccount, sandboxName, Secret, type SimulatorDefinition } from '../../../core/sdk/index.ts';
import type { BankAccount } from './bank.ts';
import { startVietinbankSimulator } from './server.ts';

/** An RSA-2048 key pair as PEM text, made at run time: no key is ever committed. */
export function rsaKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** The keys and ids an agency and the simulated bank share; the agency's private key and the bank's public key go to the gateway. */
export interface SandboxAccount extends BankAccount {
  agencyPrivateKey: string;
  bankPublicKey: string;
}

export function newSandboxAccount(): SandboxAccount {
  const agency = rsaKeyPair();
  const bank = rsaKeyPair();
  return {
    clientId: sandboxName('sandbox', '-'),
    clientSecret: randomBytes(24).toString('base64url'),
    providerId: 'LIENTHONG',
    merchantId: 'SANDBOX_H22',
    agencyPublicKey: agency.publicKey,
    agencyPrivateKey: agency.privateKey,
    bankPrivateKey: bank.privateKey,
    bankPublicKey: bank.publicKey,
    signatureHash: 'sha256',
    collectionAccount: '113000000001',
  };
}

/** The instance config that points the gateway at a simulator holding `account`; keys and secret as Secrets. */
export function instanceConfigFor(account: SandboxAccount, simulatorUrl: string): Record<string, unknown> {
  return {
    endpoint: simulatorUrl,
    clientId: account.clientId,
    clientSecret: new Secret(account.clientSecret),
    providerId: account.providerId,
    merchantId: account.merchantId,
    privateKey: new Secret(account.agencyPrivateKey),
    bankPublicKey: new Secret(account.bankPublicKey),
    signatureHash: account.signatureHash,
  };
}

/** Sandbox only: made on first use (RSA keys take a moment), so the sandbox's instance and the simulator agree. */
const sandbox = sandboxAccount(newSandboxAccount);

/**
 * The sandbox convention: the gateway sends its callback URL as `notifyUrl` in every create request (the instance
 * config's `notifyUrl` overrides it), and the simulator posts its notices there.
 */
export const vietinbankSimulator: SimulatorDefinition = {
  async start(options) {
    const account = sandbox();
    const simulator = await startVietinbankSimulator({ ...options, account });
    // Keys and secret stay out of the log: the sandbox instance gets them through sandboxConfig.
    options.log.info({ url: simulator.url, providerId: account.providerId, merchantId: account.merchantId }, 'VietinBank simulator listening');
    return simulator;
  },
  sandboxConfig: (simulatorUrl) => instanceConfigFor(sandbox(), simulatorUrl),
};
