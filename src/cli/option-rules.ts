// When each command's options apply, and the checks that need I/O: both run before the command, naming the flag or variable.
import { SignalsError } from '../protocol/errors.js';
import type { Applicability, AsyncCheck } from './option-spec.js';
import { ANALYSIS, PROVIDER, SERVER } from './options.js';

/** "--a applies" or "--a, --b apply". */
const subject = (names: string[], one: string, several: string) => `${names.join(', ')} ${names.length === 1 ? one : several}`;

const LLM_MODEL: Applicability = {
  options: ['llmModel'],
  applies: (v) => v.llmUrl !== undefined,
  message: (names) => `${subject(names, 'applies', 'apply')} only with --llm-url`,
  fromEnv: 'ignore',
};

export const ANALYZE_RULES = [LLM_MODEL];

export const BACKTEST_RULES: Applicability[] = [
  LLM_MODEL,
  {
    // The look-ahead check perturbs the bundled store's files; the universe's packed bars are not among them.
    options: ['checkLookahead'],
    applies: (v) => v.universe !== 'sp500',
    message: (names) => `${subject(names, 'applies', 'apply')} only to the bundled universe, not with --universe sp500`,
    fromEnv: 'ignore',
  },
];

export const RANK_RULES: Applicability[] = [
  LLM_MODEL,
  {
    // --json and --csv give every ranked member; the table alone shows the top and the bottom.
    options: ['top'],
    applies: (v) => v.json !== true && v.csv !== true,
    message: (names) => `${subject(names, 'applies', 'apply')} only to the table, not with --json or --csv (which give every member)`,
    fromEnv: 'ignore',
  },
];

export const SERVE_RULES: Applicability[] = [
  {
    options: ['jwtAudience', 'jwtIssuer', 'jwtAllowNoExp'],
    applies: (v) => v.jwtSecret !== undefined || v.jwksUrl !== undefined,
    message: (names) => `${subject(names, 'applies', 'apply')} only to JWTs: add --jwt-secret or --jwks-url`,
    // A JWT setting without a JWT secret is an operator's mistake that would otherwise leave the server open.
    fromEnv: 'error',
  },
  {
    options: ['webhookSecret', 'webhookAll', 'webhookTimeout'],
    applies: (v) => v.webhook !== undefined,
    message: (names) => `${subject(names, 'applies', 'apply')} only with --webhook`,
    fromEnv: 'ignore',
  },
  LLM_MODEL,
  {
    options: ['leaseMs'],
    applies: (v) => v.redisUrl !== undefined,
    message: (names) => `${subject(names, 'applies', 'apply')} only with --redis-url (a cluster of nodes)`,
    fromEnv: 'ignore',
  },
  {
    // Webhook cursors are kept per node in its state dir, so each node would deliver the shared log's publications again.
    options: ['webhook'],
    applies: (v) => v.redisUrl === undefined,
    message: (names) => `${subject(names, 'does', 'do')} not apply with --redis-url yet: webhooks run on a single node`,
    fromEnv: 'error',
  },
  {
    options: ['stateDir', 'fsync'],
    applies: (v) => v.redisUrl === undefined,
    message: (names) => `${subject(names, 'does', 'do')} not apply with --redis-url: the signal log is kept in Redis`,
    fromEnv: 'ignore',
  },
];

export const WATCH_RULES: Applicability[] = [
  {
    options: [
      'from',
      'speed',
      'threshold',
      'universe',
      'pollInterval',
      'loop',
      ...Object.keys(PROVIDER),
      ...Object.keys(SERVER),
      ...Object.keys(ANALYSIS),
    ],
    applies: (v) => v.local === true,
    message: (names) => `${subject(names, 'applies', 'apply')} only with --local (the in-process server); a remote server has its own settings`,
    fromEnv: 'ignore',
  },
  {
    options: ['url', 'token'],
    applies: (v) => v.local !== true,
    message: (names) => `${subject(names, 'does', 'do')} not apply with --local, which connects to the in-process server (it needs no token)`,
    fromEnv: 'ignore',
  },
  LLM_MODEL,
];

export const HISTORY_RULES: Applicability[] = [
  {
    options: ['stateDir'],
    applies: (v) => v.url === undefined,
    message: (names) => `${subject(names, 'does', 'do')} not apply with --url: the server reads its own signal log`,
    fromEnv: 'ignore',
  },
  {
    options: ['token'],
    applies: (v) => v.url !== undefined,
    message: (names) => `${subject(names, 'applies', 'apply')} only with --url (a local signal log needs no token)`,
    fromEnv: 'ignore',
  },
];

/** An address to bind must resolve, before anything starts (and before anything is logged about it). */
export const SERVE_CHECKS: Record<string, AsyncCheck> = {
  host: async (host: string, who: string) => {
    const { lookup } = await import('node:dns/promises');
    try {
      await lookup(host);
    } catch {
      throw new SignalsError(
        'BAD_ARGUMENT',
        `${who} ${host} does not resolve to an address; give an address of this machine, e.g. 127.0.0.1 or 0.0.0.0`,
      );
    }
  },
};
