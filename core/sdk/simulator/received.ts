/**
 * What a simulator received, as `GET /__received` lists it: the newest entries only, so a long sandbox session does
 * not grow without bound. A request that carries an id (a RequestID, a webhook-id) is listed once, counting its
 * deliveries: more than one means the client sent it again after an answer was lost.
 */

/** Counted on a receipt: how many times its request id arrived. */
export interface Deliveries {
  deliveries: number;
}

export interface ReceivedLedger<Receipt extends object = never, Entry = never> {
  /** Lists an entry with no request id to count: a refusal, a notice sent. */
  record(entry: Entry): void;
  /** One arrival of request `id`: counted on the receipt listed for it, or `receipt()` listed with one delivery. */
  deliver(id: string, receipt: () => Receipt): Receipt & Deliveries;
  /** Oldest first. */
  list(): Array<(Receipt & Deliveries) | Entry>;
  /** Forgets every entry: an id delivered again afterwards is listed afresh. */
  clear(): void;
}

/** `GET /__received` lists this many entries at most (benchmarks size their runs by it). */
export const RECEIVED_LIMIT = 10_000;

interface Listed<Receipt, Entry> {
  id: string | undefined;
  entry: (Receipt & Deliveries) | Entry;
}

export function createReceivedLedger<Receipt extends object = never, Entry = never>(limit = RECEIVED_LIMIT): ReceivedLedger<Receipt, Entry> {
  // Insertion order is arrival order; dropping the oldest drops its id too.
  let listed: Array<Listed<Receipt, Entry>> = [];
  const receipts = new Map<string, Receipt & Deliveries>();

  function add(item: Listed<Receipt, Entry>): void {
    listed.push(item);
    if (listed.length <= limit) return;
    const dropped = listed.splice(0, listed.length - limit);
    for (const old of dropped) if (old.id !== undefined) receipts.delete(old.id);
  }

  return {
    record(entry) {
      add({ id: undefined, entry });
    },
    deliver(id, receipt) {
      const known = receipts.get(id);
      if (known) {
        known.deliveries += 1;
        return known;
      }
      const entry = { ...receipt(), deliveries: 1 };
      receipts.set(id, entry);
      add({ id, entry });
      return entry;
    },
    list: () => listed.map((item) => item.entry),
    clear() {
      listed = [];
      receipts.clear();
    },
  };
}
