/**
 * JSON with object keys sorted at every level and no whitespace: the same entry always gives the same bytes,
 * whichever order its fields were built in, so its hash can be recomputed by anyone holding the key. Everything
 * else is as JSON.stringify has it (toJSON, undefined and functions left out of objects and null in arrays), so
 * that an entry hashes the same before it is stored and after it is read back.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/** Keys written so far, quoted: the same few field names come back in every entry. Bounded; others are quoted anew. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 1000;

function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, text);
  }
  return text;
}

// Written with plain `+=` rather than template literals and a JSON.stringify per key: every accepted message and
// every attempt has its audit entry written here, and this way costs about a third less.
function write(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'string') return JSON.stringify(value);
    // What JSON.stringify writes for a number: its shortest form, and null when it is not finite.
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    return JSON.stringify(value);
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return write((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i]) ?? 'null';
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = write(record[key]);
    if (item === undefined) continue;
    if (first) first = false;
    else out += ',';
    out += quoted(key);
    out += ':';
    out += item;
  }
  return out + '}';
}
