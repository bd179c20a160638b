/** The session: one login per instance, reused, renewed once when refused, never two logins at once. */
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useMswServer } from '../../core/sdk/testing.ts';
import { lookupDossier, syncDossier } from './operations.ts';
import { loginsOf } from './session.ts';
import { AGENCY, context, dossier, loginUrl, OK, portalAnswering, serviceUrl } from './test-support/msw-portal.ts';

const server = useMswServer();

describe('the portal session', () => {
  it('is made once and reused by every later call of the instance', async () => {
    const sent = portalAnswering(server, () => OK);
    const ctx = context();
    for (let n = 0; n < 3; n++) await syncDossier({ agency: AGENCY, dossier }, ctx);
    expect(sent.logins).toHaveLength(1);
    expect(sent.calls.map((call) => call.json.session)).toEqual(['s1', 's1', 's1']);
    expect(loginsOf(ctx.instance)).toBe(1);
  });

  it('is not shared between instances', async () => {
    const sent = portalAnswering(server, () => OK);
    await syncDossier({ agency: AGENCY, dossier }, context());
    await syncDossier({ agency: AGENCY, dossier }, context());
    expect(sent.logins).toHaveLength(2);
  });

  it('is made by one login when many calls start at once', async () => {
    const login = holdLogin();
    const ctx = context();
    const calls = Array.from({ length: 10 }, () => lookupDossier({ agency: AGENCY, dossierCode: 'HS-1' }, ctx));
    login.release();
    expect((await Promise.all(calls)).every((answer) => answer.found)).toBe(true);
    expect(login.count()).toBe(1);
  });

  it('is not given up by the others when the caller that started the login gives up', async () => {
    const login = holdLogin();
    const ctx = context();
    const gaveUp = new AbortController();
    const impatient = lookupDossier({ agency: AGENCY, dossierCode: 'HS-1' }, { ...ctx, signal: gaveUp.signal });
    const patient = lookupDossier({ agency: AGENCY, dossierCode: 'HS-1' }, ctx);
    gaveUp.abort();
    login.release();
    await expect(patient).resolves.toMatchObject({ found: true });
    await expect(impatient).rejects.toMatchObject({ code: 'ABORTED' });
    expect(login.count()).toBe(1);
  });

  it('is renewed by one login when refused, and the new session is kept for later calls', async () => {
    let logins = 0;
    server.use(
      http.post(loginUrl, async () => {
        logins += 1;
        await new Promise((resolve) => setTimeout(resolve, 30));
        return HttpResponse.json({ error_code: 0, session: `s${logins}` });
      }),
      http.post(serviceUrl, async ({ request }) => {
        const { session } = (await request.json()) as { session: string };
        return HttpResponse.json(session === 's1' ? { error_code: -2, message: 'Phiên làm việc đã hết hạn' } : { ...OK, result: { MaHoSo: 'HS-1' } });
      }),
    );
    const ctx = context();
    await expect(lookupDossier({ agency: AGENCY, dossierCode: 'HS-1' }, ctx)).resolves.toMatchObject({ found: true });
    expect(logins).toBe(2);
    const answers = await Promise.all(Array.from({ length: 8 }, () => lookupDossier({ agency: AGENCY, dossierCode: 'HS-1' }, ctx)));
    expect(answers.every((answer) => answer.found)).toBe(true);
    expect(logins).toBe(2);
  });

  it('expires together: concurrent calls refused with one session cause one login again', async () => {
    let logins = 0;
    let current = 'none';
    server.use(
      http.post(loginUrl, async () => {
        logins += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        current = `s${logins}`;
        return HttpResponse.json({ error_code: 0, session: current });
      }),
      http.post(serviceUrl, async ({ request }) => {
        const { session } = (await request.json()) as { session: string };
        return HttpResponse.json(session === current ? { ...OK, result: { MaHoSo: 'HS-1' } } : { error_code: -2, message: 'Phiên làm việc đã hết hạn' });
      }),
    );
    const ctx = context();
    await lookupDossier({ agency: AGENCY, dossierCode: 'HS-1' }, ctx);
    current = 'expired';
    const answers = await Promise.all(Array.from({ length: 8 }, () => lookupDossier({ agency: AGENCY, dossierCode: 'HS-1' }, ctx)));
    expect(answers.every((answer) => answer.found)).toBe(true);
    expect(logins).toBe(2);
  });

  it('a failed login is not kept: the next call logs in again', async () => {
    let logins = 0;
    server.use(
      http.post(loginUrl, () => {
        logins += 1;
        return logins === 1 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({ error_code: 0, session: 'ok' });
      }),
      http.post(serviceUrl, () => HttpResponse.json(OK)),
    );
    const ctx = context();
    await expect(syncDossier({ agency: AGENCY, dossier }, ctx)).rejects.toMatchObject({ code: 'HTTP_503' });
    await expect(syncDossier({ agency: AGENCY, dossier }, ctx)).resolves.toMatchObject({ code: '0' });
    expect(logins).toBe(2);
  });
});

/** A login that answers only once released, and a portal that finds dossier HS-1 for every session. */
function holdLogin() {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let logins = 0;
  server.use(
    http.post(loginUrl, async () => {
      logins += 1;
      await held;
      return HttpResponse.json({ error_code: 0, session: 'shared' });
    }),
    http.post(serviceUrl, () => HttpResponse.json({ ...OK, result: { MaHoSo: 'HS-1' } })),
  );
  return { release: () => release(), count: () => logins };
}
