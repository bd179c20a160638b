import * as v from 'valibot';
import { emailAddress } from './email.ts';
import { agencyCode, defineCapability, defineOperation, isoDateTime, optionalText, text } from './define.ts';

export const paymentStatus = v.picklist(['pending', 'paid', 'failed', 'expired']);

export const paymentCreateInput = v.object({
  agency: agencyCode,
  dossierCode: text(64),
  /** Whole VND. */
  amount: v.pipe(v.number(), v.integer('must be a whole number of dong (VND)'), v.minValue(1), v.maxValue(10_000_000_000)),
  description: text(210),
  payer: v.optional(
    v.object({
      name: optionalText(200),
      phone: optionalText(20),
      email: v.optional(emailAddress),
      idNumber: optionalText(20),
    }),
  ),
  returnUrl: v.optional(v.pipe(v.string(), v.url())),
});

export const paymentCreateOutput = v.object({
  paymentId: v.string(),
  paymentUrl: v.string(),
  /** VietQR data, when the provider offers a transfer by QR code. */
  qr: v.optional(v.string()),
  expiresAt: v.string(),
});

export const paymentQueryInput = v.object({
  agency: agencyCode,
  paymentId: text(64),
});

export const paymentQueryOutput = v.object({
  paymentId: v.string(),
  status: paymentStatus,
  amount: v.optional(v.number()),
  paidAt: v.optional(isoDateTime),
  providerReference: v.optional(v.string()),
});

export const payment = defineCapability({
  summary: 'Online payment of dossier fees',
  operations: {
    create: defineOperation({
      mode: 'sync',
      summary: 'Register a fee payment for a dossier and get the payment page or QR code',
      input: paymentCreateInput,
      output: paymentCreateOutput,
      dossierCode: (input) => input.dossierCode,
    }),
    query: defineOperation({
      mode: 'sync',
      summary: "A payment's current state",
      input: paymentQueryInput,
      output: paymentQueryOutput,
    }),
  },
});
