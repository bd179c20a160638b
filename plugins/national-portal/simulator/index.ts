import { sandboxAccount, sandboxName, sandboxSecret, type SimulatorDefinition } from '../../../core/sdk/index.ts';
import { AUTH_PATH, INTEGRATION_PATH, startPortalSimulator } from './server.ts';

/** Sandbox only: the sandbox's instance and the simulator share it. */
const sandbox = sandboxAccount(() => ({ username: sandboxName(), password: sandboxSecret({ bytes: 18 }), dstcode: '000.00.01.H22' }));

export const portalSimulator: SimulatorDefinition = {
  async start(options) {
    const { username, password, dstcode } = sandbox();
    const simulator = await startPortalSimulator({ ...options, account: { username, password: password.reveal(), dstcode } });
    // The password stays out of the log: the sandbox instance gets it through sandboxConfig.
    options.log.info({ url: simulator.url, username, dstcode }, 'national portal simulator listening');
    return simulator;
  },
  sandboxConfig: (simulatorUrl) => ({ adapterUrl: simulatorUrl, authPath: AUTH_PATH, integrationPath: INTEGRATION_PATH, ...sandbox() }),
};
