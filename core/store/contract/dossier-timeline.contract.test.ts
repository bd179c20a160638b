import { describe, expect, it } from 'vitest';
import { T0, forEachStore } from './store-fixture.test-helper.ts';

forEachStore((ctx) => {
  const HUE = '000.00.01.H22';
  const OTHER = '000.00.02.H22';
  const CODE = '000.00.01.H22-261121-0001';

  const portal = (operation: 'syncDossier' | 'updateProgress', createdAt: number, code = CODE) =>
    ctx.message({ capability: 'portal', operation, instance: 'portal-hue', plugin: 'national-portal', createdAt, reference: code, dossierCode: code, orderingKey: code, orderingRank: operation === 'syncDossier' ? 0 : 1 });
  const event = (type: string, createdAt: number, agency = HUE) =>
    ctx.message({
      capability: 'webhook', operation: 'deliver', instance: 'onestop', plugin: 'webhook', createdAt, agency,
      payload: { agency, event: { type, timestamp: new Date(createdAt).toISOString(), data: { paymentId: 'PAY-1', dossierCode: CODE, amount: 50_000 } } },
      dossierCode: CODE,
    });

  describe('dossierTimeline', () => {
    it('gives everything about one dossier in time order: sync, progress, SMS, the payment and its events', async () => {
      const sync = portal('syncDossier', T0);
      const progress = portal('updateProgress', T0 + 60_000);
      const sms = ctx.message({ createdAt: T0 + 120_000, reference: CODE, dossierCode: CODE });
      const paid = event('payment.succeeded', T0 + 300_000);
      const elsewhere = portal('syncDossier', T0 + 10, '000.00.01.H22-261121-0002');
      const prefixOnly = portal('syncDossier', T0 + 20, `${CODE}9`);
      await ctx.accepted(progress, sync, sms, paid, elsewhere, prefixOnly);
      await ctx.store.createRecord({ instance: 'pay-hue', key: 'PAY-1', status: 'pending', data: { agency: HUE, dossierCode: CODE, amount: 50_000 }, now: T0 + 180_000, actor: 'test' });
      await ctx.store.transitionRecord({ instance: 'pay-hue', key: 'PAY-1', from: ['pending'], to: 'paid', data: { paidAt: 'x' }, now: T0 + 240_000, actor: 'test' });
      await ctx.settle(sync.id, 'succeeded', T0 + 1_000);

      const timeline = await ctx.store.dossierTimeline(CODE);
      expect(timeline.map((entry) => [entry.kind, entry.id, entry.status])).toEqual([
        ['message', sync.id, 'succeeded'],
        ['message', progress.id, 'queued'],
        ['message', sms.id, 'queued'],
        ['record', 'PAY-1', 'paid'],
        ['event', paid.id, 'queued'],
      ]);
      expect(timeline[0]).toMatchObject({ at: T0, capability: 'portal', operation: 'syncDossier', instance: 'portal-hue', agency: HUE, message: { id: sync.id } });
      expect(timeline[3]).toMatchObject({ at: T0 + 180_000, instance: 'pay-hue', agency: HUE, record: { updatedAt: T0 + 240_000, data: { paidAt: 'x' } } });
      expect(timeline[4]).toMatchObject({ eventType: 'payment.succeeded', capability: 'webhook' });
      expect(await ctx.store.dossierTimeline('000.00.01.H22-261121')).toEqual([]);
      expect(await ctx.store.dossierTimeline(CODE, { limit: 2 })).toHaveLength(2);
    });

    it('shows a key limited to agencies only their entries, records by the agency their data names', async () => {
      const ours = portal('syncDossier', T0);
      const theirs = event('payment.failed', T0 + 1_000, OTHER);
      await ctx.accepted(ours, theirs);
      await ctx.store.createRecord({ instance: 'pay-a', key: 'PAY-A', status: 'paid', data: { agency: OTHER, dossierCode: CODE }, now: T0, actor: 'test' });
      await ctx.store.createRecord({ instance: 'pay-b', key: 'PAY-B', status: 'paid', data: { dossierCode: CODE }, now: T0, actor: 'test' });

      expect((await ctx.store.dossierTimeline(CODE, { agencies: [HUE] })).map((entry) => entry.id)).toEqual([ours.id]);
      expect((await ctx.store.dossierTimeline(CODE, { agencies: [OTHER] })).map((entry) => entry.id)).toEqual(['PAY-A', theirs.id]);
      expect((await ctx.store.dossierTimeline(CODE, { agencies: ['*'] })).map((entry) => entry.id)).toEqual(['PAY-A', 'PAY-B', ours.id, theirs.id]);
    });
  });
});
