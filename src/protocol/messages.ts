// Zod schemas of every wire message (seed protocol plus our documented additions); all types derive from these.
import * as z from 'zod';
import { FEED_STATES, MARKET_STATES } from './states.js';
import { EvidenceData, RegimeData } from './evidence.js';
import { RankResult } from './rank.js';
import { SYMBOL_PATTERN } from './symbol.js';

export { EvidenceData, RegimeData, RegimeReadingData } from './evidence.js';

export const Action = z.enum(['BUY', 'SELL', 'HOLD']);
export type Action = z.infer<typeof Action>;

export const AgentState = z.enum(['ANALYZING', 'PROCESSING', 'BUY', 'SELL', 'HOLD', 'ABSTAINED', 'FAILED']);
export const AgentStatus = z.enum(['started', 'processing', 'voted', 'abstained', 'failed']);
export const Strength = z.enum(['STRONG', 'MODERATE', 'WEAK']);
export const Trigger = z.enum(['price_move', 'manual', 'connect', 'snapshot', 'initial', 'cli']);
export type Trigger = z.infer<typeof Trigger>;

const Timestamp = z.string().describe('ISO-8601 UTC');
const RequestId = z.union([z.string().max(128), z.number()]).describe('optional request id, echoed on the reply');
const Symbol = z.string().regex(SYMBOL_PATTERN, 'symbols are 1 to 16 letters, digits and . - ^ =');
/** What an analysis measured, by name: numbers, yes/no states, null for not available, and a few words. */
export const Indicators = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));
export type Indicators = z.infer<typeof Indicators>;

// ---- client -> server ----

/** Symbols one subscribe or unsubscribe may name (and `since` cursors one subscribe may carry). */
export const MAX_SYMBOLS_PER_REQUEST = 100;
/** Publications one history page may hold. */
export const MAX_HISTORY_LIMIT = 1_000;

/** Where a client's copy of a symbol's publications ends: the last seq it has, in the log named by epoch. */
export const SinceCursor = z.object({ seq: z.number().int().min(0), epoch: z.string().min(1).max(64) });
export type SinceCursor = z.infer<typeof SinceCursor>;

/** Seqs `from` to `to` (inclusive) of a symbol that the signal log lost: a removed or damaged segment. */
export const SeqRange = z.object({ from: z.number().int().min(1), to: z.number().int().min(1) });
export type SeqRange = z.infer<typeof SeqRange>;
/** A `missing` list names at most this many ranges, the first ones. */
export const MAX_MISSING_RANGES = 64;

/** subscribe and unsubscribe take one `symbol` (seed) or several `symbols` (addition). */
const roomFields = <T extends 'subscribe' | 'unsubscribe'>(type: T) => ({
  type: z.literal(type),
  symbol: Symbol.optional(),
  symbols: z.array(Symbol).min(1).max(MAX_SYMBOLS_PER_REQUEST).optional(),
  id: RequestId.optional(),
});
export const SubscribeRequest = z
  .object({
    ...roomFields('subscribe'),
    since: z
      .union([SinceCursor, z.record(Symbol, SinceCursor)])
      .optional()
      .describe('recover what was published after these cursors: one for `symbol`, or one per symbol of `symbols`'),
  })
  .refine((m) => m.symbol !== undefined || m.symbols !== undefined, 'subscribe needs `symbol` or `symbols`')
  .refine(
    (m) => m.since === undefined || 'seq' in m.since || Object.keys(m.since).length <= MAX_SYMBOLS_PER_REQUEST,
    `since: at most ${MAX_SYMBOLS_PER_REQUEST} symbols`,
  );
export const UnsubscribeRequest = z
  .object(roomFields('unsubscribe'))
  .refine((m) => m.symbol !== undefined || m.symbols !== undefined, 'unsubscribe needs `symbol` or `symbols`');
export const AnalyzeRequest = z.object({ type: z.literal('analyze'), symbol: Symbol.optional(), id: RequestId.optional() });
export const GetStatusRequest = z.object({ type: z.literal('get_status'), id: RequestId.optional() });
export const HistoryRequest = z.object({
  type: z.literal('history'),
  symbol: Symbol,
  since_seq: z.number().int().min(0).optional(),
  from: z.string().max(40).optional().describe('ISO date or time: publications logged at or after it'),
  to: z.string().max(40).optional().describe('ISO date or time: publications logged before it'),
  limit: z.number().int().min(1).max(MAX_HISTORY_LIMIT).optional(),
  id: RequestId.optional(),
});
/** The most rows a `rank` may ask for from each end with `top`. */
export const MAX_RANK_TOP = 1_000;
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD')
  .refine((d) => {
    const time = Date.parse(`${d}T00:00:00.000Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().startsWith(d);
  }, 'not a calendar day');
/** (addition) A day's ranking of the server's universe (see RankResult); all rows, or the top and bottom `top` and/or `symbols`. */
export const RankRequest = z.object({
  type: z.literal('rank'),
  as_of: Day.optional().describe("rank as of this day's close; default: the latest session the market clock has closed"),
  top: z.number().int().min(1).max(MAX_RANK_TOP).optional().describe('the top and the bottom `top` rows'),
  symbols: z.array(Symbol).min(1).max(MAX_SYMBOLS_PER_REQUEST).optional().describe("these symbols' rows (besides the top and bottom)"),
  id: RequestId.optional(),
});
export type RankRequest = z.infer<typeof RankRequest>;
export const HeartbeatRequest = z.object({
  type: z.literal('heartbeat'),
  timestamp: z.string().optional(),
  id: RequestId.optional(),
});

export const ClientMessage = z.union([
  SubscribeRequest,
  UnsubscribeRequest,
  AnalyzeRequest,
  GetStatusRequest,
  HeartbeatRequest,
  HistoryRequest,
  RankRequest,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export const clientSchemas = {
  subscribe: SubscribeRequest,
  unsubscribe: UnsubscribeRequest,
  analyze: AnalyzeRequest,
  get_status: GetStatusRequest,
  heartbeat: HeartbeatRequest,
  history: HistoryRequest,
  rank: RankRequest,
} as const;
export const clientMessageTypes = Object.keys(clientSchemas) as (keyof typeof clientSchemas)[];

// ---- server -> client ----

export const AgentInfo = z.object({ id: z.string(), name: z.string() });
export type AgentInfo = z.infer<typeof AgentInfo>;

export const ConnectedMessage = z.object({
  type: z.literal('connected'),
  client_id: z.string(),
  timestamp: Timestamp,
  message: z.string(),
  server_version: z.string(),
  protocol_version: z.number().int(),
  agents: z.array(AgentInfo),
  symbols: z.array(z.string()),
  universe: z
    .string()
    .optional()
    .describe('(addition) the universe in force: "bundled" (the bundled symbols) or "sp500" (the S&P 500 as it was on each day)'),
});

export const HeartbeatMessage = z.object({
  type: z.literal('heartbeat'),
  timestamp: Timestamp,
  client_id: z.string().optional().describe('present on the seed-compatible welcome'),
  message: z.string().optional(),
  id: RequestId.optional(),
});

export const SubscriptionAck = z.object({
  type: z.enum(['subscribed', 'unsubscribed']),
  symbol: z.string(),
  status: z.enum(['subscribed', 'unsubscribed']),
  timestamp: Timestamp,
  seq: z.number().int().optional().describe("on subscribed: the symbol's newest seq (0: nothing published yet)"),
  epoch: z.string().optional().describe('on subscribed: the signal log the seq belongs to'),
  recovered: z.boolean().optional().describe('on subscribed with `since`: whether everything after the cursor follows'),
  missing: z
    .array(SeqRange)
    .max(MAX_MISSING_RANGES)
    .optional()
    .describe('on subscribed with `recovered: false`: the seq ranges after the cursor that the log lost'),
  id: RequestId.optional(),
});

export const PriceUpdateData = z.object({
  symbol: z.string(),
  price: z.number(),
  volume: z.number(),
  timestamp: Timestamp,
  previous_close: z.number().optional(),
  change: z.number().optional(),
  change_percent: z.number().optional(),
});
export const PriceUpdateMessage = z.object({ type: z.literal('price_update'), data: PriceUpdateData });

export const AgentUpdateData = z.object({
  symbol: z.string(),
  agent: z.string(),
  agent_id: z.string().optional(),
  signal: AgentState,
  status: AgentStatus.optional(),
  confidence: z.number().min(0).max(1),
  timestamp: Timestamp,
  analysis_id: z.string().optional(),
  reasoning: z.array(z.string()).optional(),
  indicators: Indicators.optional(),
  error: z.string().optional(),
  duration_ms: z.number().optional(),
  evidence: EvidenceData.optional().describe("(addition) on a vote: the agent's record before the as-of time"),
});
export const AgentUpdateMessage = z.object({ type: z.literal('agent_update'), data: AgentUpdateData });

export const AgentDetail = z.object({
  name: z.string(),
  signal: z.union([Action, z.enum(['ABSTAINED', 'FAILED'])]),
  confidence: z.number().min(0).max(1),
  reasoning: z.array(z.string()),
  evidence: EvidenceData.optional(),
});

/**
 * What one caller's past calls came to: its BUY and SELL calls whose outcome was known before the as-of time
 * (one call a month per symbol, at the month's last trading day).
 */
export const CallRecord = z.object({
  horizon_days: z.number().int().min(1).describe('trading days a call is judged over'),
  calls: z.number().int().min(0).describe('past BUY and SELL calls with a known outcome'),
  hit_rate: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe('share of those calls that were right (BUY: beat SPY over the horizon, SELL: trailed it); null without calls'),
  mean_excess_return: z
    .number()
    .nullable()
    .describe("mean of the call's direction (+1 BUY, -1 SELL) times the forward return in excess of SPY's; null without calls"),
});
export type CallRecord = z.infer<typeof CallRecord>;

/**
 * (addition) The track record behind a published signal, computed only from data before its as-of time: for the
 * consensus and for each agent, the past calls on this symbol, how often they were right and what they earned.
 */
export const TrackRecord = z.object({
  symbol: z.string(),
  since: z.string().nullable().describe('YYYY-MM-DD of the first past call counted; null without one'),
  consensus: CallRecord,
  agents: z.record(
    z.string(),
    CallRecord.extend({
      weight: z
        .number()
        .min(0)
        .describe("the agent's weight in this consensus (its shrunk IC; 0 for a market-wide agent, or in strict mode without an edge)"),
    }),
  ),
});
export type TrackRecord = z.infer<typeof TrackRecord>;

export const SignalData = z.object({
  symbol: z.string(),
  signal_id: z.string(),
  action: Action,
  confidence: z.number().min(0).max(1),
  price: z.number(),
  agents_consensus: z.object({
    total_agents: z.number().int(),
    completed_agents: z.number().int(),
    consensus_strength: Strength,
    consensus_weight: z.number().optional(),
    agent_details: z.record(z.string(), AgentDetail),
  }),
  timestamp: Timestamp,
  metadata: z.object({
    reasoning: z.array(z.string()),
    indicators: Indicators,
    target_price: z.number().optional().describe('BUY and SELL only: a HOLD is not a trade and carries no levels'),
    stop_loss: z.number().optional().describe('BUY and SELL only'),
  }),
  as_of: Timestamp.optional(),
  trigger: Trigger.optional(),
  seq: z.number().int().optional().describe('per-symbol sequence number, increasing by one per published signal'),
  epoch: z.string().optional().describe('the signal log this seq belongs to'),
  analysis_id: z.string().optional(),
  track_record: TrackRecord.optional(),
  evidence: EvidenceData.optional().describe("(addition) the consensus's record before the as-of time, and its verdict in `label`"),
  regime: RegimeData.optional().describe('(addition) the market regime at the as-of time'),
});
export type SignalData = z.infer<typeof SignalData>;
export const SignalUpdateMessage = z.object({ type: z.literal('signal_update'), data: SignalData });

export const AgentSummary = z.record(
  z.string(),
  z.object({
    name: z.string(),
    signal: z.string(),
    confidence: z.number(),
    reasoning: z.array(z.string()).optional(),
    evidence: EvidenceData.optional(),
  }),
);
export const DecisionData = z.object({
  symbol: z.string(),
  decision: z.union([
    z.object({ action: z.literal('NO_SIGNAL'), reason: z.string(), agent_summary: AgentSummary, consensus_weight: z.number().optional() }),
    z.object({ action: z.literal('ERROR'), error: z.string(), code: z.string().optional().describe('stable error code, e.g. ANALYSIS_FAILED') }),
  ]),
  timestamp: Timestamp,
  price: z.number().optional(),
  as_of: Timestamp.optional(),
  trigger: Trigger.optional(),
  seq: z.number().int().optional(),
  epoch: z.string().optional(),
  analysis_id: z.string().optional(),
  track_record: TrackRecord.optional().describe('on NO_SIGNAL only'),
  regime: RegimeData.optional().describe('(addition) on NO_SIGNAL only'),
});
export type DecisionData = z.infer<typeof DecisionData>;
export const DecisionUpdateMessage = z.object({ type: z.literal('decision_update'), data: DecisionData });

export const AlertMessage = z.object({
  type: z.literal('alert'),
  alert_type: z.string(),
  message: z.string(),
  severity: z.enum(['info', 'warning', 'error']),
  timestamp: Timestamp,
  code: z.string().optional(),
  id: RequestId.optional(),
});

export const StatusUpdateMessage = z.object({
  type: z.literal('status_update'),
  data: z
    .object({
      running: z.boolean(),
      active_analyses: z.number().int(),
      active_agents: z.number().int(),
      websocket_connections: z.number().int(),
    })
    .catchall(z.unknown()),
  id: RequestId.optional(),
});

export { FEED_STATES, MARKET_STATES };

export const FeedStatusMessage = z.object({
  type: z.literal('feed_status'),
  data: z.object({
    feed: z.string().describe('the provider: replay, yahoo, alpaca'),
    source: z.string().optional().describe("a replay: what it plays, in words ('bundled data', 'bundled and --data-dir data')"),
    feed_state: z.enum(FEED_STATES),
    market_state: z.enum(MARKET_STATES).describe('the US equities market at market_time'),
    market_time: Timestamp,
    reason: z.string(),
    cycle: z.number().int().optional().describe('a looping replay: the cycle now starting'),
  }),
});

export const HistoryMessage = z.object({
  type: z.literal('history'),
  symbol: z.string(),
  epoch: z.string(),
  items: z.array(z.union([SignalUpdateMessage, DecisionUpdateMessage])).describe('logged publications in seq order, as they were sent'),
  next_seq: z.number().int().optional().describe('more follow: ask again with since_seq set to this'),
  missing: z
    .array(SeqRange)
    .max(MAX_MISSING_RANGES)
    .optional()
    .describe('seq ranges the log lost between since_seq and the last item (the end of the log without next_seq): the items skip them'),
  id: RequestId.optional(),
});

/** (addition) The answer to a `rank` request: the day's ranking, its rows as asked for (each with its rank among all). */
export const RankMessage = z.object({ type: z.literal('rank'), data: RankResult, id: RequestId.optional() });
export type RankMessage = z.infer<typeof RankMessage>;

export const ErrorMessage = z.object({
  type: z.literal('error'),
  error: z.string(),
  code: z.string(),
  timestamp: Timestamp,
  id: RequestId.optional(),
});

export const ServerMessage = z.discriminatedUnion('type', [
  ConnectedMessage,
  HeartbeatMessage,
  SubscriptionAck,
  PriceUpdateMessage,
  AgentUpdateMessage,
  SignalUpdateMessage,
  DecisionUpdateMessage,
  AlertMessage,
  StatusUpdateMessage,
  FeedStatusMessage,
  HistoryMessage,
  RankMessage,
  ErrorMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type AgentUpdate = z.infer<typeof AgentUpdateMessage>;
export type SignalUpdate = z.infer<typeof SignalUpdateMessage>;
export type DecisionUpdate = z.infer<typeof DecisionUpdateMessage>;
export type PriceUpdate = z.infer<typeof PriceUpdateMessage>;
export type FeedStatusUpdate = z.infer<typeof FeedStatusMessage>;
export type AgentUpdateData = z.infer<typeof AgentUpdateData>;

/** The events one analysis produces, in order: progress and votes, then the consensus or the no-signal decision. */
export type AnalysisEvent = AgentUpdate | SignalUpdate | DecisionUpdate;

export const PROTOCOL_VERSION = 1;
