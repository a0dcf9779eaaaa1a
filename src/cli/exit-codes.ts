// The CLI's process exit codes: part of its public contract (README "Exit codes"), stable like the error codes they map.
import type { ErrorCode } from '../protocol/errors.js';

/** Exit code by error code. 0 is success; 1 is an unexpected failure. */
export const ExitCode: Record<ErrorCode, number> = {
  BAD_ARGUMENT: 2,
  INVALID_JSON: 2,
  INVALID_MESSAGE: 2,
  UNKNOWN_TYPE: 2,
  BINARY_NOT_SUPPORTED: 2,
  TOO_MANY_SUBSCRIPTIONS: 2,
  UNKNOWN_SYMBOL: 3,
  DATE_OUT_OF_RANGE: 4,
  DATA_ERROR: 5,
  CONNECTION_FAILED: 6,
  AUTH_FAILED: 7,
  RATE_LIMITED: 8,
  SERVER_BUSY: 9,
  ANALYSIS_FAILED: 10,
  STATE_LOCKED: 12,
  STATE_UNWRITABLE: 13,
  STATE_CORRUPT: 14,
  CONFIG_INVALID: 15,
  PROVIDER_AUTH_FAILED: 16,
  PROVIDER_UNAVAILABLE: 17,
  PROVIDER_LIMIT: 18,
  STATE_UNSAFE: 19,
  INTERNAL: 1,
};

/** `analyze` with several symbols: some were analysed, some failed (each failure is in the output). */
export const PARTIAL_FAILURE_EXIT = 11;

/** What each exit code means, in the words a command's --help lists it with. */
const MEANING: Record<ErrorCode, string> = {
  BAD_ARGUMENT: 'bad argument',
  INVALID_JSON: 'bad argument',
  INVALID_MESSAGE: 'bad argument',
  UNKNOWN_TYPE: 'bad argument',
  BINARY_NOT_SUPPORTED: 'bad argument',
  TOO_MANY_SUBSCRIPTIONS: 'bad argument',
  UNKNOWN_SYMBOL: 'unknown symbol',
  DATE_OUT_OF_RANGE: 'date outside the data',
  DATA_ERROR: 'data error',
  CONNECTION_FAILED: 'no signals server at the URL',
  AUTH_FAILED: 'token refused',
  RATE_LIMITED: 'address refused for now (HTTP 429)',
  SERVER_BUSY: 'server full or unavailable (try again later)',
  ANALYSIS_FAILED: 'analysis failed',
  STATE_LOCKED: 'another process holds the state dir',
  STATE_UNWRITABLE: 'state dir not writable',
  STATE_CORRUPT: 'signal log damaged (signals repair)',
  CONFIG_INVALID: 'config file invalid',
  PROVIDER_AUTH_FAILED: 'provider refused the key',
  PROVIDER_UNAVAILABLE: 'provider unavailable',
  PROVIDER_LIMIT: "provider's connection limit reached",
  STATE_UNSAFE: 'state dir writable by other users, or a symlink in it',
  INTERNAL: 'internal error',
};

/**
 * The "Exit codes:" paragraph of a command's --help, from the tables above: 0, a bad argument (every command can meet
 * one), the codes the command can exit with, `PARTIAL_FAILURE_EXIT` when `partial`, and 1 last; `say` words a code
 * as that command meets it. Wrapped to `width`.
 * @example exitCodesHelp(['UNKNOWN_SYMBOL']) // "Exit codes: 0 ok, 2 bad argument, 3 unknown symbol, 1 internal error."
 */
export function exitCodesHelp(
  codes: readonly ErrorCode[],
  options: { partial?: boolean; say?: Partial<Record<ErrorCode, string>>; width?: number } = {},
): string {
  const meaning = (code: ErrorCode) => options.say?.[code] ?? MEANING[code];
  const listed: [number, string][] = [...new Set<ErrorCode>(['BAD_ARGUMENT', ...codes])]
    .filter((code) => code !== 'INTERNAL')
    .map((code) => [ExitCode[code], meaning(code)]);
  if (options.partial) listed.push([PARTIAL_FAILURE_EXIT, 'some symbols failed (the others are printed)']);
  const entries = new Map<number, string>([[0, 'ok']]);
  for (const [exit, text] of listed.sort(([a], [b]) => a - b)) if (!entries.has(exit)) entries.set(exit, text);
  entries.set(ExitCode.INTERNAL, MEANING.INTERNAL);
  const words = `Exit codes: ${[...entries].map(([exit, text]) => `${exit} ${text}`).join(', ')}.`.split(' ');
  const lines = [''];
  for (const word of words) {
    const last = lines.length - 1;
    if (lines[last] !== '' && lines[last]!.length + 1 + word.length > (options.width ?? 110)) lines.push(word);
    else lines[last] = lines[last] === '' ? word : `${lines[last]} ${word}`;
  }
  return lines.join('\n');
}
