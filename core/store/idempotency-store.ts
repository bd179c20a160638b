export interface IdempotencyClaim {
  /** The caller the key belongs to (the API key's id): two callers may use the same key. */
  scope: string;
  key: string;
  /** SHA-256 of the request, to tell the same request from another one under the same key. */
  requestHash: string;
}

/** What an Idempotency-Key holds: for a sync request its answer; for an async one only its hash (status null). */
export interface StoredResponse {
  requestHash: string;
  status: number | null;
  body: string | null;
  createdAt: number;
}

/** What an Idempotency-Key answers again. */
export interface IdempotencyStore {
  /** Answers of sync requests made with an Idempotency-Key. */
  getStoredResponse(scope: string, key: string): Promise<StoredResponse | undefined>;
  storeResponse(scope: string, key: string, response: StoredResponse): Promise<void>;
}
