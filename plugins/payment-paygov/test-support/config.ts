import { Secret } from '../../../core/sdk/index.ts';
import type { PaygovConfig } from '../config.ts';

/** An instance config for tests, with the defaults the schema fills in; a made-up partner and secret. */
export function testConfig(overrides: Partial<PaygovConfig> = {}): PaygovConfig {
  return {
    endpoint: 'https://thanhtoan.dvcqg.test',
    initPath: '/api/payment/init',
    queryPath: '/api/payment/query',
    partnerCode: 'UBND_TTHUE',
    secret: new Secret('not-a-real-secret-0001'),
    paymentType: 'PAY',
    channelCode: '1',
    deviceCode: '1',
    language: 'vi',
    currency: 'VND',
    bankCode: '',
    ip: '10.0.0.7',
    plainDescription: true,
    callbackUrlField: 'UrlCallback',
    returnUrlField: 'UrlReturn',
    paymentUrlField: 'UrlThanhToan',
    queryTime: 'transaction',
    paymentTtlMinutes: 15,
    reconcileAfterMs: 120_000,
    reconcileEveryMs: 60_000,
    ...overrides,
  };
}
