import { sandboxAccount, sandboxSecret, type SimulatorDefinition } from '../../../core/sdk/index.ts';
import { SIMULATOR_PATHS, startPaygovSimulator } from './server.ts';

/** Sandbox only: the sandbox's instance and the simulator share the secret. */
const sandbox = sandboxAccount(() => ({ partnerCode: 'LIENTHONG_SANDBOX', secret: sandboxSecret() }));

export const paygovSimulator: SimulatorDefinition = {
  async start(options) {
    const { partnerCode, secret } = sandbox();
    const simulator = await startPaygovSimulator({ ...options, account: { partnerCode, secret: secret.reveal() } });
    // The secret stays out of the log: the sandbox instance gets it through sandboxConfig.
    options.log.info({ url: simulator.url, partnerCode }, 'payment platform (DVCQG) simulator listening');
    return simulator;
  },
  sandboxConfig: (simulatorUrl) => ({
    endpoint: simulatorUrl,
    ...SIMULATOR_PATHS,
    ...sandbox(),
    // The simulator's page asks nothing of the sandbox's callers: a short reconcile shows lost results ending.
    reconcileAfterMs: 5_000,
    reconcileEveryMs: 5_000,
  }),
};
