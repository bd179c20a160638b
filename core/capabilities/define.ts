import * as v from 'valibot';

/** One operation of the unified API: how it is called and what goes in and out. */
export interface OperationSpec<
  Input extends v.GenericSchema = v.GenericSchema,
  Output extends v.GenericSchema = v.GenericSchema,
> {
  /** sync: the caller waits for the provider's answer; async: 202 once the message is durably stored. */
  mode: 'sync' | 'async';
  summary: string;
  input: Input;
  output: Output;
  /**
   * The capability's own rules at the API edge, after the schema and before the provider instance's `prepare`, for
   * every provider alike (an SMS text without diacritics when `unicode` is false, say). Returns the input as it is
   * stored and delivered; throws InputError (answered 400 with the path of each problem) for input no provider of
   * the capability can send. Never quotes the input in its messages.
   */
  normalise?(input: v.InferOutput<Input>): v.InferOutput<Input>;
  /**
   * The dossier a message of this operation is about, from its input: stored with the message (indexed), it puts the
   * message on the dossier's timeline and makes it found by the dossier code. Undefined when it names none.
   */
  dossierCode?(input: v.InferOutput<Input>): string | undefined;
  /** Messages with one ordering key are delivered strictly in order (e.g. a dossier's progress). */
  orderingKey?(input: v.InferOutput<Input>): string | undefined;
  /**
   * Among messages with one ordering key, a lower rank goes first, whenever it came in (a dossier's add before its
   * progress, even progress sent before the add); equal ranks keep their order. Default 0.
   */
  orderingRank?: number;
  /** Internal operations are queued by the gateway itself, never called through `/v1`. */
  internal?: boolean;
  /** The answer is a file (bytes and a content type), not JSON. */
  binary?: boolean;
}

export interface CapabilitySpec<Ops extends Record<string, OperationSpec> = Record<string, OperationSpec>> {
  summary: string;
  operations: Ops;
}

export function defineOperation<Input extends v.GenericSchema, Output extends v.GenericSchema>(
  spec: OperationSpec<Input, Output>,
): OperationSpec<Input, Output> {
  return spec;
}

export function defineCapability<Ops extends Record<string, OperationSpec>>(spec: CapabilitySpec<Ops>): CapabilitySpec<Ops> {
  return spec;
}

/** Every request names the agency (agency identifier code, e.g. `000.00.01.H22`) it acts for. */
export const agencyCode = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty(),
  v.maxLength(64),
);

/** A date-time in ISO 8601 with an offset or Z, e.g. `2026-11-21T09:30:00+07:00`. */
export const isoDateTime = v.pipe(
  v.string(),
  v.regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/,
    'must be an ISO 8601 date-time with a time zone, such as 2026-11-21T09:30:00+07:00',
  ),
  v.check(isRealDateTime, 'must be a real date and time'),
);

/** Date.parse rolls 2026-02-30 over to March: a date-time is real only when its fields read back unchanged. */
function isRealDateTime(value: string): boolean {
  const [date = '', rest = ''] = value.split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute, second = 0] = (rest.match(/^[\d:.]+/)?.[0] ?? '').split(':').map(Number);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(value);
  if (offset && (Number(offset[2]) > 14 || Number(offset[3]) > 59)) return false;
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined) return false;
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, Math.floor(second)));
  return (
    utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day &&
    utc.getUTCHours() === hour && utc.getUTCMinutes() === minute && utc.getUTCSeconds() === Math.floor(second)
  );
}

export const text = (max: number) => v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(max));
export const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)));
