import { randomBytes } from 'node:crypto';
import { Secret, type SimulatorDefinition } from '../../../core/sdk/index.ts';
import { SIMULATOR_PATHS, startPaygovSimulator } from './server.ts';
import type { SimulatorAccount } from './transactions.ts';

/** Sandbox only: made once per process, so the sandbox's instance and the simulator share the secret. */
const sandboxAccount: SimulatorAccount = {
  partnerCode: 'LIENTHONG_SANDBOX',
  secret: randomBytes(24).toString('base64url'),
};

export const paygovSimulator: SimulatorDefinition = {
  async start(options) {
    const simulator = await startPaygovSimulator({ ...options, account: sandboxAccount });
    // The secret stays out of the log: the sandbox instance gets it through sandboxConfig.
    options.log.info({ url: simulator.url, partnerCode: sandboxAccount.partnerCode }, 'payment platform (DVCQG) simulator listening');
    return simulator;
  },
  sandboxConfig: (simulatorUrl) => ({
    endpoint: simulatorUrl,
    ...SIMULATOR_PATHS,
    partnerCode: sandboxAccount.partnerCode,
    secret: new Secret(sandboxAccount.secret),
    // The simulator's page asks nothing of the sandbox's callers: a short reconcile shows lost results ending.
    reconcileAfterMs: 5_000,
    reconcileEveryMs: 5_000,
  }),
};
