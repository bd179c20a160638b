import { DEFAULT_BUSY_TIMEOUT_MS } from './connection.ts';
import { StoreUnavailableError, findStoreUnavailable } from '../unavailable.ts';
import { claimStoreFile } from './gateway-lock.ts';
import { classifyStoreError, operatorLine } from './unavailable-errors.ts';
import { fullDisk } from './write-probe.ts';

/**
 * A gateway process opening its store: a full disk is refused with one line saying which disk, then the file is
 * claimed (one gateway process per SQLite file, gateway-lock.ts) before `open` writes anything; the claim is given
 * up when the store closes, or if it does not open. A store that cannot write says why in an operator's line.
 */
export async function startStoreFile<S>(file: string, busyTimeoutMs: number | undefined, open: (onClose: () => Promise<void>) => Promise<S>): Promise<S> {
  const situation = { file, busyTimeoutMs: busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, starting: true };
  const full = fullDisk(situation);
  if (full) throw full;
  try {
    const lock = await claimStoreFile(file);
    try {
      return await open(() => lock.release());
    } catch (error) {
      await lock.release();
      throw error;
    }
  } catch (error) {
    // Said as a start's line: "then start the gateway again". A file the audit key could not be written to counts too.
    const unavailable = findStoreUnavailable(error);
    if (!unavailable) throw classifyStoreError(error, situation);
    throw new StoreUnavailableError(unavailable.reason, operatorLine(unavailable.reason, unavailable.code ?? unavailable.reason, situation), { cause: error });
  }
}
