/** The payment platform simulator: INIT/QUERY endpoints, the hosted payment page, `/__control` and `/__received`. */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { controlRoutes, createFaultInjector, createReceivedLedger, listen, type RunningSimulator, type SimulatorOptions } from '../../../core/sdk/index.ts';
import { platformRoutes, type PlatformSettings, type ReceivedMessage } from './messages.ts';
import { paymentPage, type SentResult } from './page.ts';
import type { SimulatedTransaction, SimulatorAccount } from './transactions.ts';

export const SIMULATOR_PATHS = { initPath: '/api/payment/init', queryPath: '/api/payment/query' };

export interface PaygovSimulatorOptions extends SimulatorOptions {
  account: SimulatorAccount;
}

export async function startPaygovSimulator(options: PaygovSimulatorOptions): Promise<RunningSimulator> {
  const faults = createFaultInjector({ log: options.log });
  const received = createReceivedLedger<never, ReceivedMessage | SentResult>();
  const transactions = new Map<string, SimulatedTransaction>();
  const settings: PlatformSettings = {
    account: options.account,
    ...SIMULATOR_PATHS,
    callbackUrlField: 'UrlCallback',
    returnUrlField: 'UrlReturn',
    paymentUrlField: 'UrlThanhToan',
  };
  let baseUrl = '';
  const app = new Hono();
  app.use(bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.json({ MaLoi: '03', MoTaLoi: 'Bản tin quá lớn' }, 413) }));
  app.route('/', controlRoutes(faults, received));
  app.route('/', platformRoutes(settings, transactions, faults, received, () => baseUrl, options.log));
  app.route('/', paymentPage(options.account, transactions, received, options.log));
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const running = await listen(server, options, faults);
  baseUrl = running.url;
  return running;
}
