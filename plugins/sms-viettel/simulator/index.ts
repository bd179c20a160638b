import { randomBytes } from 'node:crypto';
import { Secret, type SimulatorDefinition } from '../../../core/sdk/index.ts';
import { SERVICE_PATH, startViettelSimulator } from './server.ts';
import type { SimulatorAccount } from './service.ts';

/** Sandbox only: made once per process, so the sandbox's instance and the simulator agree. */
const sandboxAccount: SimulatorAccount = {
  user: `sandbox_${randomBytes(3).toString('hex')}`,
  password: randomBytes(18).toString('base64url'),
  cpCode: 'CP_SANDBOX',
  brandname: 'LIENTHONG',
  commandCode: 'bulksms',
};

export const viettelSimulator: SimulatorDefinition = {
  async start(options) {
    const simulator = await startViettelSimulator({ ...options, account: sandboxAccount });
    const { user, cpCode, brandname } = sandboxAccount;
    // The password stays out of the log: the sandbox instance gets it through sandboxConfig.
    options.log.info({ wsdl: `${simulator.url}${SERVICE_PATH}?wsdl`, user, cpCode, brandname }, 'Viettel SMS simulator listening');
    return simulator;
  },
  sandboxConfig: (simulatorUrl) => ({
    endpoint: `${simulatorUrl}${SERVICE_PATH}`,
    user: sandboxAccount.user,
    password: new Secret(sandboxAccount.password),
    cpCode: sandboxAccount.cpCode,
    brandname: sandboxAccount.brandname,
  }),
};
