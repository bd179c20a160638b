import type { Logger } from 'pino';
import type { GatewayConfig } from './config/load.ts';
import type { Clock } from './delivery/clock.ts';
import { errorMessage } from './sdk/errors.ts';
import type { MessageStore } from './store/types.ts';

const DAY = 86_400_000;
const EVERY = 3_600_000;

/**
 * Purges, once at start and then hourly, the payloads of messages that succeeded more than
 * `retention.succeededPayloadDays` ago. Returns how to stop it; does nothing without that setting.
 */
export function startRetention(store: MessageStore, config: GatewayConfig, clock: Clock, log: Logger): () => void {
  const days = config.retention.succeededPayloadDays;
  if (days === undefined) return () => undefined;
  const purge = () => {
    const now = clock.now();
    store.purgePayloads(now - days * DAY, now, 'system').then(
      (purged) => {
        if (purged > 0) log.info({ purged, days }, 'purged the payloads of old succeeded messages');
      },
      (error: unknown) => log.error({ err: errorMessage(error) }, 'payload purge failed; trying again within the hour'),
    );
  };
  purge();
  const timer = setInterval(purge, EVERY);
  timer.unref();
  return () => clearInterval(timer);
}
