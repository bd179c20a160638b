import { Secret } from '../../../core/sdk/index.ts';
import type { ViettelConfig } from '../config.ts';

/** An instance config for tests, with the defaults the schema fills in; made-up credentials. */
export function testConfig(overrides: Partial<ViettelConfig> = {}): ViettelConfig {
  return {
    endpoint: 'http://ams.tinnhanthuonghieu.vn:8009/bulkapi',
    user: 'ubnd_tthue',
    password: new Secret('not-a-real-password'),
    cpCode: 'UBNDTTHUE',
    brandname: 'UBND-TTHUE',
    commandCode: 'bulksms',
    contentTypePlain: '0',
    contentTypeUnicode: '1',
    maxSegments: 5,
    requestIdOffset: 0,
    ...overrides,
  };
}
