/** Test support: awaits a call that must fail, and answers what it threw (the test fails if it succeeded or threw no Error). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof Error)) throw new Error('expected the call to fail');
  return error;
}
