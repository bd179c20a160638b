import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { testSmsPlugin } from '../http/test-plugins.test-helper.ts';
import { Instances } from './instances.ts';
import { markPaused } from './pauses.ts';

/** What an operator reads in the log when an instance is paused or resumed: once per change, with what to do. */
describe('markPaused', () => {
  it('logs a pause (its reason masked) and a resume once each, however often the same state is read', () => {
    const lines: Array<{ level: number; msg: string; instance: string }> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) });
    const sms = testSmsPlugin();
    const config = loadConfig({ agencies: [{ code: '000.00.01.H22' }], instances: [{ id: 'sms-a', plugin: 'test-sms', agencies: ['*'] }] }, [sms.plugin], {});
    const instance = new Instances(config, log).get('sms-a');
    if (!instance) throw new Error('no sms-a');
    const pause = { instance: 'sms-a', at: 0, by: 'cli', reason: 'bảo trì, liên hệ 0981234567' };

    markPaused(instance, null);
    markPaused(instance, pause);
    markPaused(instance, { ...pause });
    markPaused(instance, null);
    markPaused(instance, null);

    expect(lines.map((line) => [line.level, line.instance, line.msg])).toEqual([
      [40, 'sms-a', 'instance sms-a paused by cli (bảo trì, liên hệ 0981***567): no attempt starts, its messages wait and its sync calls answer 503 until `lienthong instances resume sms-a`'],
      [30, 'sms-a', 'instance sms-a resumed: its waiting messages are delivered and sync calls go through again'],
    ]);
  });
});
