import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../core/sdk/index.ts';
import { testHealthContext, useMswServer } from '../../core/sdk/testing.ts';
import { health } from './health.ts';
import { config, envelope, escapedPassword, failure, parseEnvelope, viettelAnswering, xml } from './test-support/msw-viettel.ts';

const server = useMswServer();

describe('sms-viettel health: checkBalance', () => {
  const balanceAnswer = (inner: string) =>
    envelope(`<ns2:checkBalanceResponse xmlns:ns2="http://impl.bulkSms.ws/"><return>${inner}</return></ns2:checkBalanceResponse>`);
  const healthContext = () => testHealthContext({ instance: 'sms-hue', config: config() });

  it('sends User, Password, CPCode unqualified and reads the balance as text, never as a float', async () => {
    const sent = viettelAnswering(server, () => xml(balanceAnswer('<balance>12345678901234567.89</balance><errCode>0</errCode>')));
    await expect(health(healthContext())).resolves.toEqual({ ok: true, detail: { balance: '12345678901234567.89', errCode: 0 } });
    expect(sent[0]?.headers.get('soapaction')).toBe('""');
    expect(parseEnvelope(sent[0]?.text ?? '', 'checkBalance').children).toBe(
      `<User>ubnd_tthue</User><Password>${escapedPassword}</Password><CPCode>UBNDTTHUE</CPCode>`,
    );
  });

  it('a non-zero errCode is unhealthy, with the description', async () => {
    viettelAnswering(server, () => xml(balanceAnswer('<balance>0</balance><errCode>1</errCode><errDesc>WRONG_INFORMATION_AUTHENTICATE</errDesc>')));
    await expect(health(healthContext())).resolves.toEqual({
      ok: false,
      detail: { balance: '0', errCode: 1, errDesc: 'WRONG_INFORMATION_AUTHENTICATE' },
    });
  });

  it('a service that does not answer makes the check fail with a retryable error', async () => {
    viettelAnswering(server, () => new HttpResponse('Service Unavailable', { status: 503 }));
    expect(await failure(health(healthContext()))).toBeInstanceOf(RetryableError);
  });
});
