import { inspect } from 'node:util';
import * as v from 'valibot';

/**
 * A secret the gateway read from the environment or a file. It prints as `[secret]` wherever it ends up — a
 * log line, JSON, an error — and gives its text only to `reveal()`, at the moment a plugin uses it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '[secret]';
  }

  toString(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return 'Secret([secret])';
  }
}

/**
 * A config field that holds a secret. In the config file it must be `{ "env": "NAME" }` or `{ "file": "path" }`:
 * a secret written out in the file is refused. `text` checks the secret's text (its form, its length), with
 * messages that never quote it.
 */
export function secret(text?: v.GenericSchema<string, string>) {
  return v.pipe(
    v.instance(Secret, 'must be given as { "env": "NAME" } or { "file": "path" }, never written in the config'),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed || !text) return;
      const checked = v.safeParse(text, dataset.value.reveal());
      if (!checked.success) for (const issue of checked.issues) addIssue({ message: issue.message.replace(/:? *(?:[Bb]ut r|R)eceived .*$/s, '') });
    }),
  );
}
