import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryWorker } from '../delivery/worker.ts';
import { createLogger } from '../logger.ts';
import { pluginServices } from '../runtime/plugin-services.ts';
import { type TestGateway, adminHelpers, openTestGateway } from './app-fixture.test-helper.ts';
import { crash, permanent, retryable } from '../testing/script.ts';

/**
 * A plugin that masks nothing: every error it throws carries a phone number, an identity number, a name or an
 * account number in full, as a provider's answer echoed back would. Whatever it throws (its retryable or permanent
 * errors, a plain Error, something that is not an Error at all), the attempt's audit entries, the gateway's log
 * lines and the operators' views show it masked. The gateway masks; no plugin is trusted to.
 */

const PHONE = '0981234567';
const CCCD = '046095001234';
const NAME = 'Nguyễn Văn An';
const ACCOUNT = '0123456789012';
/** Forms the raw values must not appear in, anywhere; each masked form keeps fewer digits than these. */
const RAW = ['981234567', CCCD, NAME, 'Nguyễn', ACCOUNT];
const MASKED = ['0981***567', '046******234', 'N***** V** A*', '*********9012'];

const leaks = [
  retryable(`Viettel từ chối thuê bao ${PHONE} của ông ${NAME}`),
  crash(new Error(`CCCD ${CCCD} không khớp với thuê bao 84981234567`)),
  crash({ detail: `số tài khoản ${ACCOUNT} của bà ${NAME}` }),
  permanent(`Họ và tên: ${NAME}, CCCD ${CCCD}, gọi ${PHONE}`),
];

let gateway: TestGateway;
let logged: string[];
beforeEach(async () => {
  logged = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  gateway = await openTestGateway({ log: createLogger('debug', capture) });
});
afterEach(() => gateway.dispose());

const { send, admin } = adminHelpers(() => gateway);

function expectMasked(where: string, text: string): void {
  for (const raw of RAW) expect(text, `${where} holds ${raw}`).not.toContain(raw);
}

/** Runs every attempt the plugin's leaks make, moving the clock past each retry. */
async function deliverThroughLeaks(): Promise<void> {
  const { store, instances, clock } = gateway.context;
  const worker = new DeliveryWorker({ store, instances, log: gateway.context.log, clock, random: () => 0.5, services: (instance) => pluginServices(gateway.context, instance.id, 'worker') });
  gateway.sms.queue(...leaks);
  for (let i = 0; i < leaks.length; i++) {
    expect(await worker.deliverDue({ wait: true })).toBe(1);
    gateway.clock.t += 3_600_000;
  }
}

describe('errors a plugin throws with personal data in them', () => {
  it('are masked in the audit entries of the attempts', async () => {
    const id = await send();
    await deliverThroughLeaks();
    const attempts = (await gateway.store.listAudit({ messageId: id }, 100)).filter((entry) => entry.action === 'attempt');
    expect(attempts.map((entry) => entry.summary.outcome)).toEqual(['retry', 'retry', 'retry', 'dead']);
    for (const entry of attempts) {
      expect(entry.summary.error).toEqual(expect.any(String));
      expectMasked(`attempt ${String(entry.summary.attempt)}`, JSON.stringify(entry));
    }
    expect(attempts.map((entry) => entry.summary.error)).toEqual([
      'Viettel từ chối thuê bao 0981***567 của ông N***** V** A*',
      'CCCD 046******234 không khớp với thuê bao 8498****567',
      '{"detail":"số tài khoản *********9012 của bà N***** V** A*"}',
      'Họ và tên: N***** V** A*, CCCD 046******234, gọi 0981***567',
    ]);
  });

  it("are masked in the gateway's log lines", async () => {
    await send();
    await deliverThroughLeaks();
    // The lines that would carry the errors are there: a quiet log could not pass.
    const failures = logged.filter((line) => /attempt \d of 8 failed/.test(line));
    expect(failures).toHaveLength(4);
    for (const line of logged) expectMasked('a log line', line);
    const all = logged.join('\n');
    for (const masked of MASKED) expect(all).toContain(masked);
  });

  it("are masked in every operator's view of the message and its trail", async () => {
    const id = await send();
    await deliverThroughLeaks();
    const views = {
      message: await admin(`/admin/v1/messages/${id}`),
      list: await admin('/admin/v1/messages?status=dead'),
      search: await admin(`/admin/v1/messages?q=${encodeURIComponent('CCCD')}`),
      trail: await admin(`/admin/v1/audit?messageId=${id}`),
      audit: await admin('/admin/v1/audit'),
    };
    for (const [name, response] of Object.entries(views)) {
      expect(response.status, name).toBe(200);
      const text = await response.text();
      expectMasked(`GET ${name}`, text);
    }
    const message = (await (await admin(`/admin/v1/messages/${id}`)).json()) as { lastError: string; attemptHistory: Array<{ error: string }> };
    expect(message.lastError).toBe('Họ và tên: N***** V** A*, CCCD 046******234, gọi 0981***567');
    expect(message.attemptHistory.map((attempt) => attempt.error)).toHaveLength(4);
  });
});
