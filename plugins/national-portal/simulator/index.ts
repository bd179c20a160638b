import { randomBytes } from 'node:crypto';
import { Secret, type SimulatorDefinition } from '../../../core/sdk/index.ts';
import type { PortalAccount } from './portal.ts';
import { AUTH_PATH, INTEGRATION_PATH, startPortalSimulator } from './server.ts';

/** Sandbox only: made once per process, so the sandbox's instance and the simulator agree. */
const sandboxAccount: PortalAccount = {
  username: `sandbox_${randomBytes(3).toString('hex')}`,
  password: randomBytes(18).toString('base64url'),
  dstcode: '000.00.01.H22',
};

export const portalSimulator: SimulatorDefinition = {
  async start(options) {
    const simulator = await startPortalSimulator({ ...options, account: sandboxAccount });
    // The password stays out of the log: the sandbox instance gets it through sandboxConfig.
    options.log.info({ url: simulator.url, username: sandboxAccount.username, dstcode: sandboxAccount.dstcode }, 'national portal simulator listening');
    return simulator;
  },
  sandboxConfig: (simulatorUrl) => ({
    adapterUrl: simulatorUrl,
    authPath: AUTH_PATH,
    integrationPath: INTEGRATION_PATH,
    username: sandboxAccount.username,
    password: new Secret(sandboxAccount.password),
    dstcode: sandboxAccount.dstcode,
  }),
};
