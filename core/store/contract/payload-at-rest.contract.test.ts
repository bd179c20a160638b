import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PayloadCipher } from '../payload-cipher.ts';
import { T0, forEachStore } from './store-fixture.test-helper.ts';

const PHONE = '84981234567';
const dataKey = PayloadCipher.fromEnvironment(randomBytes(32).toString('base64'));

forEachStore((ctx) => {
  describe('payloads and record data at rest, with LIENTHONG_DATA_KEY', () => {
    it('are stored encrypted and read back as given', async () => {
      const store = await ctx.reopen({ dataKey });
      const m = ctx.message({ payload: { agency: '000.00.01.H22', to: PHONE, text: `Ông Nguyễn Văn An (${PHONE})` } });
      await ctx.accepted(m);
      await store.createRecord({ instance: 'pay-hue', key: 'PAY-1', status: 'pending', data: { payer: 'Nguyễn Văn An', phone: PHONE }, now: T0, actor: 'test' });

      expect((await store.getMessage(m.id))?.payload).toEqual(m.payload);
      expect((await store.getRecord('pay-hue', 'PAY-1'))?.data).toEqual({ payer: 'Nguyễn Văn An', phone: PHONE });
      const raw = JSON.stringify(await ctx.sql('SELECT payload FROM messages')) + JSON.stringify(await ctx.sql('SELECT data FROM plugin_records'));
      expect(raw).not.toContain(PHONE);
      expect(raw).not.toContain('Nguyễn');
    });
  });
});
