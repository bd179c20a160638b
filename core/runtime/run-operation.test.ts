import { afterEach, describe, expect, it } from 'vitest';
import type { OperationContext } from '../sdk/contract.ts';
import { RetryableError } from '../sdk/errors.ts';
import { runOperation } from './run-operation.ts';
import { blockEventLoop } from './block-event-loop.test-helper.ts';
import { PAUSE_TOLERANCE_MS } from './deadline.ts';
import type { InstanceRuntime } from './instances.ts';
import { AGENCY, createFixture, type Fixture, SMS } from '../delivery/worker-fixture.test-helper.ts';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.dispose();
  fixture = undefined;
});

/** The fixture's SMS instance with `send` replaced by `run`, and the given timeout. */
async function instanceRunning(run: (ctx: OperationContext<unknown>) => Promise<unknown>, timeoutMs: number): Promise<InstanceRuntime> {
  fixture = await createFixture();
  const instance = fixture.instance(SMS);
  return {
    ...instance,
    // These plugins answer anything: what is checked here is the signal, not the result.
    checkOutputs: false,
    policy: { ...instance.policy, timeoutMs },
    plugin: { ...instance.plugin, operations: { send: { run: (_input: unknown, ctx: OperationContext<unknown>) => run(ctx) } } },
  } as InstanceRuntime;
}

function attempt(instance: InstanceRuntime, signal?: AbortSignal) {
  const services = fixture!.services(instance);
  return runOperation({ instance, operation: 'send', input: { agency: AGENCY }, messageId: 'msg_1', attempt: 1, agency: AGENCY, services, signal });
}

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('runOperation: the attempt signal', () => {
  it('aborts the plugin at the timeout and reports TIMEOUT', async () => {
    let seen: AbortSignal | undefined;
    const instance = await instanceRunning(async (ctx) => {
      seen = ctx.signal;
      await new Promise(() => undefined);
    }, 30);
    expect(await attempt(instance)).toEqual({ ok: false, retryable: true, error: 'timed out after 30 ms', providerCode: 'TIMEOUT' });
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as DOMException).name).toBe('TimeoutError');
  });

  it("reports a timeout after this process did not run as a timeout that is not the provider's fault", async () => {
    const instance = await instanceRunning(async () => {
      // The process stops (as SIGSTOP or a frozen VM would stop it) past the attempt's timeout.
      blockEventLoop(30 + PAUSE_TOLERANCE_MS + 300);
      await new Promise(() => undefined);
    }, 30);
    const outcome = await attempt(instance);
    expect(outcome).toMatchObject({ ok: false, retryable: true, providerCode: 'TIMEOUT', providerFault: false });
    expect(outcome.ok ? '' : outcome.error).toMatch(/^no answer within 30 ms, but the gateway process did not run for \d+ s meanwhile/);
  });

  it('passes a shutdown on to the plugin and reports the attempt interrupted', async () => {
    const shutdown = new AbortController();
    const instance = await instanceRunning(async (ctx) => {
      shutdown.abort();
      expect(ctx.signal.aborted).toBe(true);
      throw ctx.signal.reason;
    }, 60_000);
    expect(await attempt(instance, shutdown.signal)).toMatchObject({ ok: false, retryable: true, providerCode: 'SHUTDOWN', interrupted: true });
  });

  it('leaves no timer behind and stops listening for shutdown once the attempt is over', async () => {
    const shutdown = new AbortController();
    let seen: AbortSignal | undefined;
    const instance = await instanceRunning(async (ctx) => {
      seen = ctx.signal;
      return { ok: 1 };
    }, 60_000);
    const before = timers();
    expect(await attempt(instance, shutdown.signal)).toEqual({ ok: true, result: { ok: 1 } });
    expect(timers()).toBe(before);
    shutdown.abort();
    expect(seen?.aborted).toBe(false);
  });
});

describe('runOperation: the result against the capability', () => {
  it("refuses a result its capability's output schema does not allow, naming the field, when outputs are checked", async () => {
    const instance = await instanceRunning(async () => ({ providerMessage: 'OK', segments: 'two' }), 1000);
    const outcome = await attempt({ ...instance, checkOutputs: true });
    expect(outcome).toMatchObject({ ok: false, retryable: false, providerCode: 'PLUGIN_OUTPUT' });
    expect(outcome.ok === false && outcome.error).toMatch(/^plugin 'scripted' answered sms\/send with a result its capability does not allow \(segments: .*\); fix the plugin$/);
  });

  it('passes a result that fits, and anything when outputs are not checked (production trusts its plugins)', async () => {
    let answer: unknown = { providerMessage: 'OK', segments: 1 };
    const instance = await instanceRunning(async () => answer, 1000);
    expect(await attempt({ ...instance, checkOutputs: true })).toEqual({ ok: true, result: answer });
    answer = { odd: true };
    expect(await attempt(instance)).toEqual({ ok: true, result: { odd: true } });
  });
});

describe('runOperation: whose fault a retryable outcome is', () => {
  it('carries providerFault: false from the RetryableError into the result', async () => {
    const instance = await instanceRunning(async () => {
      throw new RetryableError('the portal does not know dossier 000.00.01.H22-260301-0001 yet', { code: 'DOSSIER_UNKNOWN', providerFault: false });
    }, 60_000);
    expect(await attempt(instance)).toEqual({
      ok: false,
      retryable: true,
      error: 'the portal does not know dossier 000.00.01.H22-260301-0001 yet',
      providerCode: 'DOSSIER_UNKNOWN',
      retryAfterMs: undefined,
      providerFault: false,
    });
  });

  it('leaves providerFault out for an ordinary RetryableError: the provider is blamed by default', async () => {
    const instance = await instanceRunning(async () => {
      throw new RetryableError('the portal answered HTTP 503', { code: 'HTTP_503' });
    }, 60_000);
    expect(await attempt(instance)).not.toHaveProperty('providerFault');
  });
});
