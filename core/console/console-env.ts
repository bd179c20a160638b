import type { ApiKeyRecord } from '../store/types.ts';
import type { AppEnv } from '../http/env.ts';
import type { Lang, Translate } from './i18n.ts';
import type { ConsoleSession } from './sessions.ts';

/** The signed-in operator: the key as the store has it now, and the session. */
export interface Operator {
  key: ApiKeyRecord;
  session: ConsoleSession;
}

/** What the console's routes read from the Hono context. */
export type ConsoleEnv = {
  Bindings: AppEnv['Bindings'];
  Variables: AppEnv['Variables'] & {
    lang: Lang;
    t: Translate;
    /** Set by `requireOperator` on every page behind the sign-in. */
    operator: Operator;
  };
};
