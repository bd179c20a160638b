/**
 * JSON with object keys sorted at every level and no whitespace: the same entry always gives the same bytes,
 * whichever order its fields were built in, so its hash can be recomputed by anyone holding the key. Everything
 * else is as JSON.stringify has it (toJSON, undefined and functions left out of objects and null in arrays), so
 * that an entry hashes the same before it is stored and after it is read back.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return write((value as { toJSON(): unknown }).toJSON());
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? ',' : ''}${write(value[i]) ?? 'null'}`;
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const item = write(record[key]);
    if (item === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${item}`;
  }
  return `${out}}`;
}
