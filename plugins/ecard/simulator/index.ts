import { randomBytes } from 'node:crypto';
import { sandboxAccount, sandboxName, Secret, type SimulatorDefinition } from '../../../core/sdk/index.ts';
import { CARD_PREFIX, NGSP_PREFIX, startEcardSimulator } from './server.ts';
import type { SimulatorCredentials } from './state.ts';

/** Sandbox only: the sandbox's instance and the simulator share them. */
const sandboxCredentials = sandboxAccount(
  (): SimulatorCredentials => ({
    cardApiKey: randomBytes(24).toString('base64url'),
    registryKey: sandboxName(),
    registrySecret: randomBytes(24).toString('base64url'),
  }),
);

/** The instance config that points at a running e-card simulator with these credentials. */
export function simulatorConfig(url: string, credentials: SimulatorCredentials): Record<string, unknown> {
  return {
    card: { baseUrl: `${url}${CARD_PREFIX}`, apiKey: new Secret(credentials.cardApiKey) },
    registry: {
      tokenUrl: `${url}${NGSP_PREFIX}/token`,
      baseUrl: `${url}${NGSP_PREFIX}`,
      consumerKey: credentials.registryKey,
      consumerSecret: new Secret(credentials.registrySecret),
    },
  };
}

export const ecardSimulator: SimulatorDefinition = {
  async start(options) {
    const simulator = await startEcardSimulator({ ...options, credentials: sandboxCredentials() });
    // The keys stay out of the log: the sandbox instance gets them through sandboxConfig.
    options.log.info({ card: `${simulator.url}${CARD_PREFIX}`, ngsp: `${simulator.url}${NGSP_PREFIX}` }, 'e-card simulator listening');
    return simulator;
  },
  sandboxConfig: (simulatorUrl) => simulatorConfig(simulatorUrl, sandboxCredentials()),
};
