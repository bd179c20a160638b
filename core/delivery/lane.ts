/**
 * One instance's messages on this worker, from their claim to the end of their attempt: at most `concurrency`
 * attempting, the others waiting their turn in claim order (the local queue). A message leaves the lane when its
 * attempt ends, before its outcome is committed: the slot goes to the next message at once, while the outcome joins
 * the next group commit with its neighbours'.
 */
export class Lane {
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  /** Claimed and not yet through their attempt: waiting or attempting. */
  #held = 0;

  get held(): number {
    return this.#held;
  }

  /** Messages just claimed join the lane. */
  hold(count: number): void {
    this.#held += count;
  }

  /** Resolves when one of `concurrency` slots is free; the slot is this message's until `leave`. */
  async take(concurrency: number): Promise<void> {
    if (this.#running < concurrency && this.#waiting.length === 0) {
      this.#running += 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** A message's attempt ended (or it was given back without one): its slot passes to the next in line. */
  leave(concurrency: number): void {
    this.#held -= 1;
    this.#running -= 1;
    while (this.#running < concurrency && this.#waiting.length > 0) {
      this.#running += 1;
      this.#waiting.shift()?.();
    }
  }

  /** Shutdown: every waiting message gets its turn now, to see that it must not start. */
  wakeAll(): void {
    while (this.#waiting.length > 0) {
      this.#running += 1;
      this.#waiting.shift()?.();
    }
  }
}
