// The shapes a config file may take, in zod: loaded only when there is a file to check, so a run without one loads no
// schema library.
import { z } from 'zod';

/** The JSON shapes a value may take; what it means is checked by the option's own parser, as for a flag. */
const Value = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()])), z.record(z.string(), z.number())]);
export type ConfigValue = z.infer<typeof Value>;

/** A file of one JSON object whose keys are among `keys`, each holding a Value. */
export function configSchema(keys: string[]) {
  return z.strictObject(Object.fromEntries(keys.map((k) => [k, Value.optional()])));
}
