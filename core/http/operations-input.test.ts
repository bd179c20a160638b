import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AGENCY_A,
  AGENCY_B,
  type TestGateway,
  expectNothingStored,
  expectProblem,
  issuePaths,
  openTestGateway,
  paymentBody,
  smsBody,
} from './app-fixture.test-helper.ts';
import { FORBIDDEN_WORD } from './test-plugins.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway({ limits: { bodyBytes: 1024 } });
});
afterEach(async () => {
  await gateway.dispose();
});

/** Nothing stored, nobody woken, no provider called. */
async function expectUntouched() {
  await expectNothingStored(gateway);
  expect(gateway.notify).not.toHaveBeenCalled();
  expect(gateway.sms.calls).toEqual([]);
  expect(gateway.payment.calls).toEqual([]);
}

describe('bodies that are not valid requests', () => {
  it('answers 400 to malformed JSON', async () => {
    const problem = await expectProblem(await gateway.request('/v1/sms/send', { body: '{"agency": "000.00.01.H22", "to": ' }), 400, 'malformed-json');
    expect(problem.detail).toBe('the request body is not valid JSON');
    await expectUntouched();
  });

  it('answers 400 to an empty body', async () => {
    await expectProblem(await gateway.request('/v1/sms/send', { method: 'POST' }), 400, 'malformed-json');
    await expectUntouched();
  });

  it('names every field of the wrong type', async () => {
    const response = await gateway.request('/v1/sms/send', { body: { agency: AGENCY_A, to: 981234567, text: 42, unicode: 'yes' } });
    const problem = await expectProblem(response, 400, 'validation');
    expect(issuePaths(problem)).toEqual(['text', 'to', 'unicode']);
    expect(problem.detail).toBe('to: must be a string; text: must be a string; unicode: must be true or false');
    for (const issue of problem.errors ?? []) expect(issue.message).not.toMatch(/received/i);
    await expectUntouched();
  });

  it('names every missing field as required', async () => {
    const problem = await expectProblem(await gateway.request('/v1/sms/send', { body: { agency: AGENCY_A } }), 400, 'validation');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'to', message: 'is required' },
        { path: 'text', message: 'is required' },
      ]),
    );
    expect(issuePaths(problem)).toEqual(['text', 'to']);
    await expectUntouched();
  });

  it.each(['null', '"send this"', '42'])('answers a body that is not an object (%s) with the root path', async (body) => {
    const problem = await expectProblem(await gateway.request('/v1/sms/send', { body }), 400, 'validation');
    expect(issuePaths(problem)).toEqual(['']);
    expect(JSON.stringify(problem)).not.toContain('send this');
    await expectUntouched();
  });

  it('names nested fields by their dotted path', async () => {
    const body = paymentBody({ amount: 1500.5, payer: { name: 7, email: 'not-an-email' }, returnUrl: 'nowhere' });
    const problem = await expectProblem(await gateway.request('/v1/payment/create', { body }), 400, 'validation');
    expect(issuePaths(problem)).toEqual(['amount', 'payer.email', 'payer.name', 'returnUrl']);
    expect(problem.errors).toContainEqual({ path: 'amount', message: 'must be a whole number of dong (VND)' });
    await expectUntouched();
  });

  it.each(['0123456789', '+1 415 555 0100', '098123456', '09812345678', '0201234567'])('answers 400 naming `to` for %s', async (to) => {
    const problem = await expectProblem(await gateway.request('/v1/sms/send', { body: smsBody({ to }) }), 400, 'validation');
    expect(problem.errors).toEqual([{ path: 'to', message: 'must be a Vietnamese mobile number such as 0981234567 or +84981234567' }]);
    await expectUntouched();
  });

  it('says a blank field must not be blank, in the errors and in the detail', async () => {
    const problem = await expectProblem(await gateway.request('/v1/sms/send', { body: smsBody({ agency: '  ', text: '' }) }), 400, 'validation');
    expect(problem.errors).toEqual([
      { path: 'agency', message: 'must not be blank' },
      { path: 'text', message: 'must not be blank' },
    ]);
    expect(problem.detail).toBe('agency: must not be blank; text: must not be blank');
    await expectUntouched();
  });

  it('names the first three problems in the detail and counts the rest', async () => {
    const problem = await expectProblem(await gateway.request('/v1/payment/create', { body: { agency: AGENCY_A, amount: 'x', returnUrl: 1 } }), 400, 'validation');
    expect(problem.errors).toHaveLength(4);
    expect(problem.detail).toBe('dossierCode: is required; amount: must be a number; description: is required; and 1 more (see errors)');
  });

  it.each(["o'brien@example.com", '"a"@b.vn', 'an.nguyen+hoso@so-tu-phap.hue.gov.vn'])('takes the payer e-mail address %s', async (email) => {
    const response = await gateway.request('/v1/payment/create', { body: paymentBody({ payer: { email } }) });
    expect(response.status).toBe(200);
    expect(gateway.payment.calls.at(-1)?.input).toMatchObject({ payer: { email } });
  });

  it.each(['an@localhost', 'an..nguyen@example.vn', 'an@[192.0.2.1]', 'an nguyen@example.vn'])('refuses the payer e-mail address %s, naming the field', async (email) => {
    const problem = await expectProblem(await gateway.request('/v1/payment/create', { body: paymentBody({ payer: { email } }) }), 400, 'validation');
    expect(problem.errors).toEqual([{ path: 'payer.email', message: 'must be an e-mail address such as an.nguyen@example.vn (at most 64 characters before the @)' }]);
    expect(problem.detail).toBe('payer.email: must be an e-mail address such as an.nguyen@example.vn (at most 64 characters before the @)');
    await expectUntouched();
  });

  it('answers 400 naming `agency` for an agency the gateway does not know', async () => {
    const problem = await expectProblem(await gateway.request('/v1/sms/send', { body: smsBody({ agency: '000.00.99.H22' }) }), 400, 'validation');
    expect(problem.errors).toEqual([{ path: 'agency', message: 'unknown agency' }]);
    await expectUntouched();
  });

  it("answers 400 with the path of the plugin's own InputError", async () => {
    const body = smsBody({ text: `Noi dung ${FORBIDDEN_WORD}` });
    const problem = await expectProblem(await gateway.request('/v1/sms/send', { body }), 400, 'validation');
    expect(problem.errors).toEqual([{ path: 'text', message: 'the provider refuses this content' }]);
    await expectUntouched();
  });
});

describe('never echoing what was sent', () => {
  const SECRET = 'sk_live_7f3a9c1e5b2d4086';

  it('leaves a wrongly typed secret out of the answer', async () => {
    const body = smsBody({ text: { password: SECRET }, reference: [SECRET] });
    const response = await gateway.request('/v1/sms/send', { body });
    const raw = await response.clone().text();
    const problem = await expectProblem(response, 400, 'validation');
    expect(issuePaths(problem)).toEqual(['reference', 'text']);
    expect(raw).not.toContain(SECRET);
    await expectUntouched();
  });

  it('leaves values that fail a format check (e-mail, URL, phone) out of the answer', async () => {
    const body = paymentBody({ payer: { email: `${SECRET}@` }, returnUrl: `${SECRET}://?token` });
    const response = await gateway.request('/v1/payment/create', { body });
    const raw = await response.clone().text();
    const problem = await expectProblem(response, 400, 'validation');
    expect(issuePaths(problem)).toEqual(['payer.email', 'returnUrl']);
    expect(raw).not.toContain(SECRET);
    for (const issue of problem.errors ?? []) expect(issue.message).not.toMatch(/received/i);

    const phone = await gateway.request('/v1/sms/send', { body: smsBody({ to: SECRET }) });
    expect(await phone.text()).not.toContain(SECRET);
    await expectUntouched();
  });

  it('leaves a too long value out of the answer', async () => {
    const problem = await expectProblem(
      await gateway.request('/v1/payment/query', { body: { agency: AGENCY_A, paymentId: `${SECRET}${'x'.repeat(64)}` } }),
      400,
      'validation',
    );
    expect(issuePaths(problem)).toEqual(['paymentId']);
    expect(JSON.stringify(problem)).not.toContain(SECRET);
  });
});

describe('operations and instances that do not exist', () => {
  it.each([
    ['an unknown capability', '/v1/fax/send'],
    ['an unknown operation', '/v1/sms/receive'],
    ['an internal operation', '/v1/webhook/deliver'],
    ['an inherited property name', '/v1/sms/constructor'],
  ])('answers 404 to %s, before reading the body', async (_, path) => {
    const problem = await expectProblem(await gateway.request(path, { body: '{not json' }), 404, 'unknown-operation');
    expect(problem.detail).toBe(`no operation ${path.slice('/v1/'.length)}`);
    await expectUntouched();
  });

  it('answers 404 to a valid internal operation body too', async () => {
    const body = { agency: AGENCY_A, event: { type: 'payment.succeeded', timestamp: '2026-03-01T08:00:00+07:00', data: {} } };
    await expectProblem(await gateway.request('/v1/webhook/deliver', { body }), 404, 'unknown-operation');
    await expectUntouched();
  });

  it('answers 404 when no instance serves the capability at all', async () => {
    const problem = await expectProblem(
      await gateway.request('/v1/ecard/lookup', { body: { agency: AGENCY_A, cardNumber: 'EC-123456' } }),
      404,
      'no-instance',
    );
    expect(problem.detail).toBe('no provider instance serves ecard for this agency');
    await expectUntouched();
  });

  it("answers 404 when no instance serves the capability for the request's agency", async () => {
    await expectProblem(await gateway.request('/v1/payment/create', { body: paymentBody({ agency: AGENCY_B }) }), 404, 'no-instance');
    await expectUntouched();
  });
});

describe('the body limit', () => {
  it('answers 413 to a body over the configured limit', async () => {
    const body = JSON.stringify(smsBody({ text: 'a'.repeat(1200) }));
    expect(body.length).toBeGreaterThan(1024);
    const problem = await expectProblem(await gateway.request('/v1/sms/send', { body }), 413, 'payload-too-large');
    expect(problem.detail).toBe('the body is over 1024 bytes');
    await expectUntouched();
  });

  it('answers 413 by the bytes read, whatever Content-Length claims', async () => {
    const body = JSON.stringify(smsBody({ text: 'a'.repeat(1200) }));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    });
    const response = await gateway.app.request('/v1/sms/send', {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.client.token}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(response, 413, 'payload-too-large');
    await expectUntouched();
  });

  it('takes a body under the limit', async () => {
    const body = JSON.stringify(smsBody({ text: 'a'.repeat(800) }));
    expect(body.length).toBeLessThan(1024);
    expect((await gateway.request('/v1/sms/send', { body })).status).toBe(202);
  });
});
