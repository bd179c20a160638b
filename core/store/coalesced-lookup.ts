/**
 * Look-ups by key that arrive in the same turn of the event loop go to the database as one query. Each caller
 * is still answered by a read that started after it asked, so nothing it gets is older than its request.
 */
export class CoalescedLookup<Key, Value> {
  #waiting = new Map<Key, Array<{ resolve(value: Value | undefined): void; reject(error: unknown): void }>>();
  #scheduled = false;

  constructor(
    private readonly fetchMany: (keys: Key[]) => Promise<Map<Key, Value>>,
    private readonly maxKeys = 100,
  ) {}

  load(key: Key): Promise<Value | undefined> {
    return new Promise((resolve, reject) => {
      const callers = this.#waiting.get(key);
      if (callers) callers.push({ resolve, reject });
      else this.#waiting.set(key, [{ resolve, reject }]);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#run());
      }
    });
  }

  #run(): void {
    const batch = this.#waiting;
    this.#waiting = new Map();
    this.#scheduled = false;
    const keys = [...batch.keys()];
    for (let start = 0; start < keys.length; start += this.maxKeys) {
      const slice = keys.slice(start, start + this.maxKeys);
      this.fetchMany(slice).then(
        (found) => {
          for (const key of slice) for (const caller of batch.get(key) ?? []) caller.resolve(found.get(key));
        },
        (error: unknown) => {
          for (const key of slice) for (const caller of batch.get(key) ?? []) caller.reject(error);
        },
      );
    }
  }
}
