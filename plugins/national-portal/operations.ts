/** The portal capability's four operations over the adapter's services. */
import * as v from 'valibot';
import type {
  listProceduresInput,
  listProceduresOutput,
  lookupDossierInput,
  lookupDossierOutput,
  portal,
  syncDossierInput,
  updateProgressInput,
} from '../../core/capabilities/portal.ts';
import type { OperationContext } from '../../core/sdk/index.ts';
import { sendProgress } from './batch.ts';
import { callService, type CallTarget } from './client.ts';
import { type PortalConfig, unitCodeOf } from './config.ts';
import { dossierItem, progressItem } from './mapping.ts';
import { errorOf, REFERENCE_UNKNOWN } from './answer-codes.ts';

type Ctx = OperationContext<PortalConfig>;
/** The answer of both async operations: the portal's error_code and message, and whether an add became an update. */
type PortalResult = v.InferOutput<typeof portal.operations.syncDossier.output>;

const targetOf = (ctx: Ctx): CallTarget => ({ instance: ctx.instance, config: ctx.config, http: ctx.http, signal: ctx.signal });

/** Adds the dossier; when the portal already has it, sends it again as an update (`updated: true`). */
export async function syncDossier(input: v.InferOutput<typeof syncDossierInput>, ctx: Ctx): Promise<PortalResult> {
  const target = targetOf(ctx);
  const madonvi = unitCodeOf(ctx.config, input.agency);
  const data = [dossierItem(input.dossier)];
  const added = await callService(target, madonvi, 'DongBoHoSoMC', { isUpdating: 'False', data });
  const updated = added.row.verdict === 'exists';
  const { answer, row } = updated ? await callService(target, madonvi, 'DongBoHoSoMC', { isUpdating: 'True', data }) : added;
  if (row.verdict !== 'ok') {
    const refusal = !updated && row.verdict === 'unknownDossier' ? REFERENCE_UNKNOWN : row;
    throw errorOf(refusal, answer, `${updated ? 'the update' : 'the add'} of dossier ${input.dossier.code}`);
  }
  ctx.log.info({ dossierCode: input.dossier.code, updated }, updated ? 'the portal updated the dossier it already had' : 'the portal added the dossier');
  return { code: answer.errorCode, ...(answer.message ? { message: answer.message } : {}), ...(updated ? { updated: true } : {}) };
}

/** Appends the message's progress entries, in order; possibly in one call with other dossiers' entries. */
export async function updateProgress(input: v.InferOutput<typeof updateProgressInput>, ctx: Ctx): Promise<PortalResult> {
  const outcome = await sendProgress({
    target: targetOf(ctx),
    madonvi: unitCodeOf(ctx.config, input.agency),
    dossierCode: input.dossierCode,
    items: input.entries.map((entry) => progressItem(input.dossierCode, entry)),
  });
  // An unknown dossier is retryable (its row says so): the add may still be on its way. That is the portal
  // working as it should, so it is not the portal's fault: the circuit breaker must not count it.
  if (outcome.row.verdict !== 'ok') {
    const notKnownYet = outcome.row.verdict === 'unknownDossier';
    throw errorOf(outcome.row, outcome, `${input.entries.length} progress entries of dossier ${input.dossierCode}`, notKnownYet);
  }
  ctx.log.info({ dossierCode: input.dossierCode, entries: input.entries.length }, 'the portal took the progress entries');
  return { code: outcome.errorCode, ...(outcome.message ? { message: outcome.message } : {}) };
}

const record = v.record(v.string(), v.unknown());

/** The first object under `result` or `data` (an object, or a list of them). */
function payloadOf(body: Record<string, unknown>): Array<Record<string, unknown>> {
  for (const name of ['result', 'data']) {
    const value = body[name];
    const one = v.safeParse(record, value);
    if (one.success && !Array.isArray(value)) return [one.output];
    const many = v.safeParse(v.array(record), value);
    if (many.success) return many.output;
  }
  return [];
}

export async function lookupDossier(input: v.InferOutput<typeof lookupDossierInput>, ctx: Ctx): Promise<v.InferOutput<typeof lookupDossierOutput>> {
  const { answer, row } = await callService(targetOf(ctx), unitCodeOf(ctx.config, input.agency), 'TraCuuHoSo', { mahoso: input.dossierCode });
  if (row.verdict === 'unknownDossier') return { found: false, dossierCode: input.dossierCode };
  if (row.verdict !== 'ok') throw errorOf(row, answer, `the look-up of dossier ${input.dossierCode}`);
  const detail = payloadOf(answer.body)[0];
  if (!detail) return { found: false, dossierCode: input.dossierCode };
  const status = Number(detail.TrangThaiHoSo);
  return { found: true, dossierCode: input.dossierCode, ...(Number.isInteger(status) ? { status } : {}), detail };
}

const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

export async function listProcedures(input: v.InferOutput<typeof listProceduresInput>, ctx: Ctx): Promise<v.InferOutput<typeof listProceduresOutput>> {
  const one = input.procedureCode !== undefined && input.procedureCode !== '';
  const madonvi = unitCodeOf(ctx.config, input.agency);
  const { answer, row } = one
    ? await callService(targetOf(ctx), madonvi, 'LayThuTuc', { maTTHC: input.procedureCode })
    : await callService(targetOf(ctx), madonvi, 'LayDanhSachTTHC', {});
  if (one && row.verdict === 'unknownDossier') return { procedures: [] };
  if (row.verdict !== 'ok') throw errorOf(row, answer, one ? `the procedure ${input.procedureCode}` : 'the procedure catalogue');
  const procedures = payloadOf(answer.body).flatMap((item) => {
    const code = text(item.MaTTHC);
    const name = text(item.TenTTHC);
    const fieldName = text(item.TenLinhVuc);
    return code && name ? [{ code, name, ...(fieldName ? { fieldName } : {}) }] : [];
  });
  return { procedures };
}
