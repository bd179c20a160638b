import * as v from 'valibot';
import { agencyCode, defineCapability, defineOperation, isoDateTime, optionalText, text } from './define.ts';

/** The portal's dossier status codes (TrangThaiHoSo), 1 = newly registered … 10 = result returned. */
export const dossierStatus = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(1, 'must be a portal status code from 1 to 10'),
  v.maxValue(10, 'must be a portal status code from 1 to 10'),
);

const dossierCode = text(64);

const fee = v.object({
  name: text(300),
  code: optionalText(50),
  method: optionalText(50),
  /** Whole VND. */
  amount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  kind: optionalText(50),
});

const submittedFile = v.object({
  id: text(100),
  name: text(300),
  componentCode: optionalText(100),
  url: optionalText(1000),
  deleted: v.optional(v.boolean(), false),
});

const resultDocument = v.object({
  id: text(100),
  name: text(300),
  componentCode: optionalText(100),
  url: optionalText(1000),
});

export const dossier = v.object({
  code: dossierCode,
  procedureCode: text(50),
  procedureName: optionalText(1000),
  fieldCode: optionalText(50),
  fieldName: optionalText(500),
  receiptNumber: optionalText(100),
  applicant: v.object({
    name: text(300),
    type: v.picklist(['citizen', 'business']),
    idNumber: optionalText(20),
    phone: optionalText(20),
    email: optionalText(200),
    fax: optionalText(50),
    address: optionalText(500),
  }),
  summary: optionalText(2000),
  receivedAt: isoDateTime,
  dueAt: v.optional(isoDateTime),
  status: dossierStatus,
  returnedAt: v.optional(isoDateTime),
  resultInfo: optionalText(2000),
  /** 0 direct, 1 online (HinhThuc). */
  online: v.optional(v.boolean()),
  finishedAt: v.optional(isoDateTime),
  processingUnit: optionalText(500),
  note: optionalText(2000),
  fees: v.optional(v.array(fee)),
  submittedFiles: v.optional(v.array(submittedFile)),
  results: v.optional(v.array(resultDocument)),
});

export const progressEntry = v.object({
  handler: text(200),
  position: optionalText(200),
  handledAt: isoDateTime,
  department: optionalText(500),
  content: text(2000),
  status: dossierStatus,
  startedAt: v.optional(isoDateTime),
  dueAt: v.optional(isoDateTime),
});

export const syncDossierInput = v.object({ agency: agencyCode, dossier });
export const updateProgressInput = v.object({
  agency: agencyCode,
  dossierCode,
  entries: v.pipe(v.array(progressEntry), v.minLength(1), v.maxLength(100)),
});

export const portalAnswer = v.object({
  /** The portal's error_code and message, kept as it answered. */
  code: v.string(),
  message: v.optional(v.string()),
  /** True when an add was turned into an update because the portal already had the dossier. */
  updated: v.optional(v.boolean()),
});

export const lookupDossierInput = v.object({ agency: agencyCode, dossierCode });
export const lookupDossierOutput = v.object({
  found: v.boolean(),
  dossierCode: v.string(),
  status: v.optional(v.number()),
  detail: v.optional(v.record(v.string(), v.unknown())),
});

export const listProceduresInput = v.object({ agency: agencyCode, procedureCode: optionalText(50) });
export const listProceduresOutput = v.object({
  procedures: v.array(v.object({ code: v.string(), name: v.string(), fieldName: v.optional(v.string()) })),
});

export const portal = defineCapability({
  summary: 'Dossiers and their progress on the National Public Service Portal',
  operations: {
    syncDossier: defineOperation({
      mode: 'async',
      summary: 'Add or update a dossier on the portal',
      input: syncDossierInput,
      output: portalAnswer,
      dossierCode: (input) => input.dossier.code,
      orderingKey: (input) => input.dossier.code,
    }),
    updateProgress: defineOperation({
      mode: 'async',
      summary: "Append processing-progress entries, delivered in order per dossier",
      input: updateProgressInput,
      output: portalAnswer,
      dossierCode: (input) => input.dossierCode,
      orderingKey: (input) => input.dossierCode,
      // Progress the portal cannot take before its dossier: an add that comes in later still goes first.
      orderingRank: 1,
    }),
    lookupDossier: defineOperation({
      mode: 'sync',
      summary: 'Look a dossier up on the portal',
      input: lookupDossierInput,
      output: lookupDossierOutput,
      dossierCode: (input) => input.dossierCode,
    }),
    listProcedures: defineOperation({
      mode: 'sync',
      summary: 'The administrative procedure catalogue',
      input: listProceduresInput,
      output: listProceduresOutput,
    }),
  },
});
