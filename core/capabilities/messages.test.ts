import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { capabilities, findOperation } from './index.ts';
import { INPUT_CHECKS } from './messages.ts';

const agency = '000.00.01.H22';

/** The path and message of each problem `capability/operation` finds in `body`, parsed as the API edge does. */
function problems(route: string, body: unknown): Array<{ path: string; message: string }> {
  const [capability = '', operation = ''] = route.split('/');
  const spec = findOperation(capability, operation);
  if (!spec) throw new Error(`no operation ${route}`);
  const parsed = v.safeParse(spec.input, body, INPUT_CHECKS);
  return (parsed.issues ?? []).map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message }));
}

const dossier = {
  code: 'HS-1',
  procedureCode: '1.004227',
  applicant: { name: 'Nguyễn Văn An', type: 'citizen' },
  receivedAt: '2026-03-01T08:00:00+07:00',
  status: 1,
};
const progress = { handler: 'Trần Thị Bình', handledAt: '2026-03-02T10:15:00+07:00', content: 'Đã tiếp nhận', status: 2 };

describe('validation messages are sentences about the field', () => {
  it.each([
    ['a blank agency', 'sms/send', { agency: '   ', to: '0981234567', text: 'x' }, { path: 'agency', message: 'must not be blank' }],
    ['an empty text', 'sms/send', { agency, to: '0981234567', text: '' }, { path: 'text', message: 'must not be blank' }],
    ['a blank dossier code', 'payment/create', { agency, dossierCode: ' ', amount: 1, description: 'x' }, { path: 'dossierCode', message: 'must not be blank' }],
    ['a missing field', 'sms/send', { agency, to: '0981234567' }, { path: 'text', message: 'is required' }],
    ['a text too long', 'sms/send', { agency, to: '0981234567', text: 'x'.repeat(1601) }, { path: 'text', message: 'must be at most 1600 characters' }],
    ['a reference too long', 'sms/send', { agency, to: '0981234567', text: 'x', reference: 'x'.repeat(101) }, { path: 'reference', message: 'must be at most 100 characters' }],
    ['not a phone number', 'sms/send', { agency, to: '12345', text: 'x' }, { path: 'to', message: 'must be a Vietnamese mobile number such as 0981234567 or +84981234567' }],
    ['a string for a boolean', 'sms/send', { agency, to: '0981234567', text: 'x', unicode: 'yes' }, { path: 'unicode', message: 'must be true or false' }],
    ['a number for a string', 'sms/send', { agency, to: '0981234567', text: 42 }, { path: 'text', message: 'must be a string' }],
    ['not an object', 'sms/send', 'send this', { path: '', message: 'must be a JSON object' }],
    ['an amount of 0', 'payment/create', { agency, dossierCode: 'HS-1', amount: 0, description: 'x' }, { path: 'amount', message: 'must be at least 1' }],
    ['a fraction of a dong', 'payment/create', { agency, dossierCode: 'HS-1', amount: 1.5, description: 'x' }, { path: 'amount', message: 'must be a whole number of dong (VND)' }],
    ['a relative return URL', 'payment/create', { agency, dossierCode: 'HS-1', amount: 1, description: 'x', returnUrl: '/ket-qua' }, { path: 'returnUrl', message: 'must be an absolute URL such as https://motcua.example.gov.vn/ket-qua' }],
    ['a bad e-mail address', 'payment/create', { agency, dossierCode: 'HS-1', amount: 1, description: 'x', payer: { email: 'an@localhost' } }, { path: 'payer.email', message: 'must be an e-mail address such as an.nguyen@example.vn (at most 64 characters before the @)' }],
    ['a bad tax code', 'ecard/lookup', { agency, taxCode: '0100233489' }, { path: 'taxCode', message: 'must be a tax code: 10 digits with a correct check digit, and -NNN after them for a branch' }],
    ['a bad card number', 'ecard/documents', { agency, cardNumber: 'x' }, { path: 'cardNumber', message: 'must be a card number: 6 to 32 letters, digits or dashes' }],
    ['a bad PIN', 'ecard/verify', { agency, cardNumber: 'EC-123456', pin: '12' }, { path: 'pin', message: 'must be a PIN of 4 to 8 digits' }],
    ['neither card nor tax code', 'ecard/lookup', { agency }, { path: 'cardNumber', message: 'give cardNumber or taxCode' }],
    ['an unknown applicant type', 'portal/syncDossier', { agency, dossier: { ...dossier, applicant: { name: 'An', type: 'robot' } } }, { path: 'dossier.applicant.type', message: 'must be one of "citizen", "business"' }],
    ['a status outside 1-10', 'portal/syncDossier', { agency, dossier: { ...dossier, status: 11 } }, { path: 'dossier.status', message: 'must be a portal status code from 1 to 10' }],
    ['a status with a fraction', 'portal/syncDossier', { agency, dossier: { ...dossier, status: 1.5 } }, { path: 'dossier.status', message: 'must be a whole number' }],
    ['a date-time without a zone', 'portal/syncDossier', { agency, dossier: { ...dossier, receivedAt: '2026-03-01 08:00' } }, { path: 'dossier.receivedAt', message: 'must be an ISO 8601 date-time with a time zone, such as 2026-11-21T09:30:00+07:00' }],
    ['a date that does not exist', 'portal/syncDossier', { agency, dossier: { ...dossier, receivedAt: '2026-02-30T08:00:00+07:00' } }, { path: 'dossier.receivedAt', message: 'must be a real date and time' }],
    ['no progress entries', 'portal/updateProgress', { agency, dossierCode: 'HS-1', entries: [] }, { path: 'entries', message: 'must have at least 1 entry' }],
    ['too many progress entries', 'portal/updateProgress', { agency, dossierCode: 'HS-1', entries: Array(101).fill(progress) }, { path: 'entries', message: 'must have at most 100 entries' }],
    ['a string for an object', 'portal/syncDossier', { agency, dossier: 'HS-1' }, { path: 'dossier', message: 'must be a JSON object' }],
    ['an object for a list', 'portal/updateProgress', { agency, dossierCode: 'HS-1', entries: {} }, { path: 'entries', message: 'must be a list (a JSON array)' }],
  ])('%s', (_, route, body, problem) => {
    expect(problems(route, body)).toEqual([problem]);
  });

  it('gives one problem per field: the first rule it breaks', () => {
    expect(problems('sms/send', { agency: '', to: '0981234567', text: '' })).toEqual([
      { path: 'agency', message: 'must not be blank' },
      { path: 'text', message: 'must not be blank' },
    ]);
  });

  it('never quotes the value', () => {
    const secret = 'sk_live_7f3a9c1e5b2d4086';
    const found = problems('payment/create', { agency: secret, dossierCode: secret.repeat(5), amount: secret, description: [secret], payer: { email: `${secret}@`, phone: secret.repeat(2) }, returnUrl: secret });
    expect(found.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(found)).not.toContain(secret);
  });
});

type Node = { readonly kind?: string; readonly type?: string; readonly message?: unknown; readonly pipe?: readonly Node[] } & Record<string, unknown>;

/** The messages written in the schemas themselves (those of `issueMessage` aside): each a sentence of its own. */
function writtenMessages(node: Node, seen = new Set<Node>()): string[] {
  if (seen.has(node)) return [];
  seen.add(node);
  const found = typeof node.message === 'string' ? [node.message] : [];
  const children = [node.pipe, node.wrapped, node.item, node.options, node.entries && Object.values(node.entries), node.action].flat();
  for (const child of children) if (child && typeof child === 'object') found.push(...writtenMessages(child as Node, seen));
  return found;
}

describe('the messages the capability schemas give themselves', () => {
  const messages = Object.values(capabilities).flatMap((capability) =>
    Object.values(capability.operations as Record<string, { input: unknown }>).flatMap((operation) => writtenMessages(operation.input as Node)),
  );

  it('read as sentences about the field, without valibot words', () => {
    expect(messages.length).toBeGreaterThan(8);
    for (const message of new Set(messages)) {
      expect(message).toMatch(/^(must|is|give) /);
      expect(message).not.toMatch(/expected|received|invalid/i);
    }
  });
});
