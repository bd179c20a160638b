/** A test's hand on a running simulator's controls: `/__control` and `/__received` (DESIGN.md, "Running it"). */

export interface SimulatorClient {
  readonly url: string;
  /**
   * `POST /__control` with fault settings (`failRate`, `failMode`, `latencyMs`) and the simulator's own; answers
   * what the simulator answered: the settings in force, with what its own settings report. Throws if refused.
   */
  control<Answer extends Record<string, unknown> = Record<string, unknown>>(settings: Record<string, unknown>): Promise<Answer>;
  /** `GET /__received`: what the simulator received, oldest first, in the entry type the test expects. */
  received<Entry = Record<string, unknown>>(): Promise<Entry[]>;
  /** `DELETE /__received`: forgets what it received so far. */
  clearReceived(): Promise<void>;
}

async function expectOk(answer: Promise<Response>, what: string): Promise<Response> {
  const response = await answer;
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  return response;
}

export function simulatorClient(url: string): SimulatorClient {
  return {
    url,
    async control<Answer>(settings: Record<string, unknown>) {
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) };
      return (await (await expectOk(fetch(`${url}/__control`, init), 'POST /__control')).json()) as Answer;
    },
    async received<Entry>() {
      return (await (await expectOk(fetch(`${url}/__received`), 'GET /__received')).json()) as Entry[];
    },
    async clearReceived() {
      await expectOk(fetch(`${url}/__received`, { method: 'DELETE' }), 'DELETE /__received');
    },
  };
}
