/**
 * Test support, not production: a browser's part in front of the console over `app.request`: a cookie jar, the
 * form token read from each page, and forms posted from the console's own origin.
 */
import { expect } from 'vitest';
import type { TestGateway } from '../http/app-fixture.test-helper.ts';

const ORIGIN = 'http://localhost';

export interface Page {
  status: number;
  html: string;
  response: Response;
}

export function consoleBrowser(gateway: () => TestGateway) {
  const jar = new Map<string, string>();
  let csrf = '';

  const remember = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0/i.test(cookie)) jar.delete(name);
      else jar.set(name, value);
    }
  };
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const read = async (response: Response): Promise<Page> => {
    remember(response);
    const html = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) csrf = token;
    return { status: response.status, html, response };
  };

  const get = async (path: string, headers: Record<string, string> = {}) =>
    read(await gateway().app.request(path, { headers: { cookie: cookieHeader(), ...headers } }));

  /** Posts a form as the console's pages do: from its origin, with the last page's token unless `_csrf` is given. */
  const post = async (path: string, fields: Record<string, string | string[]> = {}, headers: Record<string, string> = {}) => {
    const body = new URLSearchParams();
    const all = { _csrf: csrf, ...fields };
    for (const [name, value] of Object.entries(all)) for (const each of Array.isArray(value) ? value : [value]) body.append(name, each);
    return read(
      await gateway().app.request(path, {
        method: 'POST',
        headers: { cookie: cookieHeader(), origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: body.toString(),
      }),
    );
  };

  /** Signs in with `token` (the fixture's operator key by default) and expects to land on the overview. */
  const signIn = async (token = gateway().operator.token) => {
    await get('/admin/login');
    const answer = await post('/admin/login', { key: token });
    expect(answer.status).toBe(303);
    return answer;
  };

  return { jar, get, post, signIn, csrf: () => csrf };
}

/** The text of an HTML page without its tags, spaces collapsed, for assertions on what a reader sees. */
export const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
