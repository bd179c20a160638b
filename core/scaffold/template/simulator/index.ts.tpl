import { sandboxSecret, type SimulatorDefinition } from '../../../core/sdk/index.ts';
import { start__NAME__Simulator } from './server.ts';

/** Made once per process: the sandbox's instance and its simulator share it, and it is never printed. */
const apiKey = sandboxSecret();

export const simulator: SimulatorDefinition = {
  async start(options) {
    const running = await start__NAME__Simulator({ ...options, apiKey: apiKey.reveal() });
    options.log.info({ url: running.url }, '__ID__ simulator listening');
    return running;
  },
  sandboxConfig: (simulatorUrl) => ({ endpoint: simulatorUrl, apiKey }),
};
