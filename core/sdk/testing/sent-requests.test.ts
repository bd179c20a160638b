import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { failure } from './failure.ts';
import { useMswServer } from './msw.ts';
import { recordJsonRequests, recordRequests } from './sent-requests.ts';

const server = useMswServer();
const post = (body: string, contentType = 'application/json') =>
  new Request('http://provider.test/api/payments?lang=vi', { method: 'POST', headers: { 'content-type': contentType }, body });

describe('recordRequests', () => {
  it('keeps method, URL, headers, the body as sent and, for a JSON object, the body read', async () => {
    const recorded = recordRequests();
    await recorded.record(post('{"requestId":"K3M9","amount":150000}'));
    await recorded.record(post('<Envelope/>', 'text/xml'));
    const [json, soap] = recorded.sent;
    expect(json).toMatchObject({ method: 'POST', text: '{"requestId":"K3M9","amount":150000}', json: { requestId: 'K3M9', amount: 150000 } });
    expect(json?.url.searchParams.get('lang')).toBe('vi');
    expect(json?.headers.get('content-type')).toBe('application/json');
    expect(soap).toMatchObject({ text: '<Envelope/>', json: undefined });
  });

  it('leaves the request unread for the handler that answers it', async () => {
    const recorded = recordRequests();
    server.use(
      http.post('http://provider.test/echo', async ({ request }) => {
        await recorded.record(request);
        return HttpResponse.text(await request.text());
      }),
    );
    const answer = await fetch('http://provider.test/echo', { method: 'POST', body: 'grant_type=client_credentials' });
    expect(await answer.text()).toBe('grant_type=client_credentials');
    expect(recorded.sent.map((sent) => sent.text)).toEqual(['grant_type=client_credentials']);
  });
});

describe('recordJsonRequests', () => {
  it('keeps JSON objects, and refuses any other body', async () => {
    const recorded = recordJsonRequests();
    expect((await recorded.record(post('{"session":"s1"}'))).json.session).toBe('s1');
    for (const body of ['[1,2]', 'null', 'not json']) {
      expect((await failure(recorded.record(post(body)))).message).toBe('POST http://provider.test/api/payments?lang=vi: the plugin sent no JSON object');
    }
    expect(recorded.sent).toHaveLength(1);
  });
});
