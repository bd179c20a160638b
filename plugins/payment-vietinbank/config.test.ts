import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/sdk/index.ts';
import { vietinbankConfigSchema } from './config.ts';
import plugin from './index.ts';
import { instanceConfigFor } from './simulator/index.ts';
import { account } from './test-support/fixtures.ts';

const valid = () => instanceConfigFor(account(), 'https://api.vietinbank.vn/vtb-api');
const issuesOf = (config: unknown) => (v.safeParse(vietinbankConfigSchema, config).issues ?? []).map((issue) => ({ path: v.getDotPath(issue), message: issue.message }));

describe('payment-vietinbank config', () => {
  it('fills the defaults', () => {
    expect(v.parse(vietinbankConfigSchema, valid())).toMatchObject({
      createPath: '/collection/v1/payments',
      inquiryPath: '/collection/v1/inquiry',
      signatureHash: 'sha256',
      channel: 'WEB',
      version: '1.0',
      language: 'vi',
      payMethod: 'ALL',
      goodsType: 'PUBLIC_FEE',
      paymentTtlMs: 1_800_000,
      expiryGraceMs: 600_000,
      pendingCheckAfterMs: 300_000,
      reconcileEveryMs: 60_000,
      reconcileBatch: 200,
      timeoutMs: 6_000,
      noticeTransIdPattern: '^[A-Za-z0-9_.:-]{1,64}$',
      noticeBankTransIdPattern: '^VTB\\d{20}$',
    });
  });

  it('names every missing field', () => {
    expect(issuesOf({}).map((issue) => issue.path)).toEqual(['endpoint', 'clientId', 'clientSecret', 'providerId', 'merchantId', 'privateKey', 'bankPublicKey']);
    expect(issuesOf({}).map((issue) => issue.message)).toContain('endpoint is required');
    expect(issuesOf('endpoint=x')).toEqual([{ path: null, message: 'the payment-vietinbank config must be an object' }]);
  });

  it.each([
    ['endpoint', 'api.vietinbank.vn', /^endpoint must be an absolute http or https URL, e\.g\. https:\/\/api\.vietinbank\.vn\/vtb-api$/],
    ['signatureHash', 'md5', /^signatureHash must be sha256 or sha1$/],
    ['createPath', 'collection/v1', /^createPath must start with \/$/],
    ['notifyUrl', 'ftp://x', /^notifyUrl must be an absolute http or https URL$/],
    ['paymentTtlMs', 1000, /^paymentTtlMs must be at least 60000$/],
    ['clientId', '   ', /^clientId must not be empty$/],
    ['privateKey', new Secret('-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----'), /^privateKey must be a PEM private key$/],
    ['bankPublicKey', new Secret('not a key'), /^bankPublicKey must be a PEM public key$/],
    ['noticeBankTransIdPattern', 'VTB\\d{20}', /^noticeBankTransIdPattern must be a regular expression from \^ to \$, e\.g\. \^VTB\\d\{20\}\$$/],
    ['noticeBankTransIdPattern', '^VTB\\d{20}', /^noticeBankTransIdPattern must be a regular expression from \^ to \$/],
    ['noticeTransIdPattern', '^[A-Z$', /^noticeTransIdPattern must be a regular expression from \^ to \$/],
  ])('refuses %s = %s, naming the field and quoting nothing', (field, value, message) => {
    const issues = issuesOf({ ...valid(), [field]: value });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(field);
    expect(issues[0]?.message).toMatch(message);
  });

  it('refuses keys and the client secret written in the config instead of referenced', () => {
    const written = { ...valid(), privateKey: account().agencyPrivateKey, clientSecret: account().clientSecret };
    const issues = issuesOf(written);
    expect(issues.map((issue) => issue.path)).toEqual(['clientSecret', 'privateKey']);
    for (const issue of issues) expect(issue.message).toMatch(/^must be given as \{ "env": "NAME" \} or \{ "file": "path" \}/);
    expect(JSON.stringify(issues)).not.toContain(account().clientSecret);
  });
});

describe('payment-vietinbank plugin', () => {
  it('declares the payment capability, both operations, the notice handler, the task and a simulator', () => {
    expect(plugin).toMatchObject({ id: 'payment-vietinbank', capability: 'payment' });
    expect(Object.keys(plugin.operations).sort()).toEqual(['create', 'query']);
    expect(typeof plugin.callbacks?.handle).toBe('function');
    expect(plugin.tasks?.map((task) => task.name)).toEqual(['reconcile-pending-payments']);
  });

  it('gives a sandbox config its own schema accepts, keys and secret as Secrets that print as [secret]', () => {
    const config = plugin.simulator?.sandboxConfig('http://127.0.0.1:4030') ?? {};
    expect(v.parse(vietinbankConfigSchema, config)).toMatchObject({ endpoint: 'http://127.0.0.1:4030' });
    for (const name of ['clientSecret', 'privateKey', 'bankPublicKey']) expect(config[name]).toBeInstanceOf(Secret);
    expect(JSON.stringify(config)).not.toMatch(/BEGIN|PRIVATE/);
    // Made once per process: the simulator started earlier agrees with every later config.
    expect((plugin.simulator?.sandboxConfig('http://127.0.0.1:1')?.privateKey as Secret).reveal()).toBe((config.privateKey as Secret).reveal());
  });
});
