import type { HealthContext, HealthReport } from '../../core/sdk/index.ts';
import { checkBalance } from './client.ts';
import type { ViettelConfig } from './config.ts';

/** The operator's check: the account answers checkBalance; errCode 0 is healthy. The balance stays text. */
export async function health(ctx: HealthContext<ViettelConfig>): Promise<HealthReport> {
  const { config } = ctx;
  const answer = await checkBalance(
    { endpoint: config.endpoint, http: ctx.http, signal: ctx.signal, timeoutMs: config.timeoutMs },
    { User: config.user, Password: config.password.reveal(), CPCode: config.cpCode },
  );
  const detail: Record<string, unknown> = { balance: answer.balance, errCode: answer.errCode };
  if (answer.errDesc) detail.errDesc = answer.errDesc;
  return { ok: answer.errCode === 0, detail };
}
