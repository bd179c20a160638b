/** Test support: awaits a call that must fail, and answers what it threw (the test fails if it succeeded or threw no Error). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof Error)) throw new Error('expected the call to fail');
  return error;
}

/** Test support: runs a call that must throw, and answers what it threw (of `kind` when given; the test fails otherwise). */
export function thrown<E extends Error = Error>(run: () => unknown, kind?: abstract new (...args: never[]) => E): E {
  try {
    run();
  } catch (error) {
    if (error instanceof (kind ?? Error)) return error as E;
    throw error;
  }
  throw new Error(`expected the call to throw${kind ? ` a ${kind.name}` : ''}`);
}
