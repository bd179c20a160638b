import { sandboxAccount, sandboxName, sandboxSecret, type SimulatorDefinition } from '../../../core/sdk/index.ts';
import { SERVICE_PATH, startViettelSimulator } from './server.ts';

/** Sandbox only: the sandbox's instance and the simulator share it. */
const sandbox = sandboxAccount(() => ({
  user: sandboxName(),
  password: sandboxSecret({ bytes: 18 }),
  cpCode: 'CP_SANDBOX',
  brandname: 'LIENTHONG',
  commandCode: 'bulksms',
}));

export const viettelSimulator: SimulatorDefinition = {
  async start(options) {
    const { password, ...account } = sandbox();
    const simulator = await startViettelSimulator({ ...options, account: { ...account, password: password.reveal() } });
    const { user, cpCode, brandname } = account;
    // The password stays out of the log: the sandbox instance gets it through sandboxConfig.
    options.log.info({ wsdl: `${simulator.url}${SERVICE_PATH}?wsdl`, user, cpCode, brandname }, 'Viettel SMS simulator listening');
    return simulator;
  },
  sandboxConfig: (simulatorUrl) => {
    const { user, password, cpCode, brandname } = sandbox();
    return { endpoint: `${simulatorUrl}${SERVICE_PATH}`, user, password, cpCode, brandname };
  },
};
