/** Runs `task(0 … count-1)` with at most `concurrency` at once; the first failure stops new tasks and is thrown. */
export async function pool(count: number, concurrency: number, task: (n: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < count) {
      const n = next++;
      try {
        await task(n);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
