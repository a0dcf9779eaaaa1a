// Phase a: random and malformed frames over many connections, each connection's answers checked against the documented ones.
import { closingFrame, fuzzFrame, Rng, type FuzzFrame } from './fuzz-inputs.js';
import { expectedAnswer } from './fuzz-oracle.js';
import { parallel, type Phase, type PhaseContext } from './fuzz-phase.js';
import { ending, summary } from './fuzz-tally.js';
import { clientFrame, upgradeRequest } from './fuzz-wire.js';

/** Frames per connection: the message limit's burst, so that no frame is refused for its rate. */
const PER_CONNECTION = 40;
/** The analyze limit's burst: valid analyze requests per connection stay within it. */
const ANALYZE_BURST = 5;
/** The server's default for `history` requests waiting on one connection: more are refused, a refusal depending on timing. */
const QUEUED_READS = 4;
/** Error codes whose every occurrence the oracle predicts; any other code, beyond UNKNOWN_SYMBOL where allowed, is wrong. */
const EXACT = ['INVALID_JSON', 'UNKNOWN_TYPE', 'INVALID_MESSAGE', 'BINARY_NOT_SUPPORTED', 'DATE_OUT_OF_RANGE'];
const END = JSON.stringify({ type: 'heartbeat', id: 'end' });

interface Plan {
  frames: FuzzFrame[];
  /** Expected count of each exactly predicted error code. */
  exact: Map<string, number>;
  /** UNKNOWN_SYMBOL errors: at least one per request naming unknown symbols, at most one per unknown symbol. */
  unknown: { min: number; max: number };
  /** The close code the last frame must draw, or undefined when it is the `end` heartbeat. */
  close: number | undefined;
  /** `history` pages to come: answered after a read of the signal log, so possibly after the `end` heartbeat. */
  histories: number;
  /** `rank` messages to come, possibly after the `end` heartbeat too. */
  ranks: number;
}

/**
 * The frames of one connection: `n - 1` that keep it open, then one that closes it (one time in ten) or a
 * heartbeat marking the end. A connection that is to be closed sends no request answered late (`history`,
 * `rank`): the close may rightly cut that answer off. A connection has one `rank` under way at a time (a second is
 * refused, depending on timing), so it sends at most one.
 */
function plan(rng: Rng, n: number, symbols: readonly string[], known: ReadonlySet<string>): Plan {
  const p: Plan = { frames: [], exact: new Map(EXACT.map((c) => [c, 0])), unknown: { min: 0, max: 0 }, close: undefined, histories: 0, ranks: 0 };
  const closing = rng.chance(0.1);
  let analyses = 0;
  let reads = 0;
  let ranked = false;
  while (p.frames.length < n - 1) {
    const frame = fuzzFrame(rng, symbols);
    const answer = expectedAnswer(frame.opcode, frame.payload, known);
    if ('close' in answer) continue;
    if (answer.analysis && analyses + 1 > ANALYZE_BURST) continue;
    const rank = ('served' in answer && answer.rank) || ('error' in answer && answer.analysis);
    if (rank && ranked) continue;
    const late = ('error' in answer && answer.late) || ('served' in answer && (answer.history || answer.rank));
    if (closing && late) continue;
    // Every history request waits in the connection's queue of reads.
    const read = late && !rank;
    if (read && reads + 1 > QUEUED_READS) continue;
    if (answer.analysis) analyses += 1;
    if (read) reads += 1;
    if (rank) ranked = true;
    if ('served' in answer && answer.history) p.histories += 1;
    if ('served' in answer && answer.rank) p.ranks += 1;
    p.frames.push(frame);
    if ('error' in answer) {
      if (answer.error === 'UNKNOWN_SYMBOL') {
        p.unknown.min += 1;
        p.unknown.max += 1;
      } else p.exact.set(answer.error, p.exact.get(answer.error)! + 1);
    } else if ('served' in answer && answer.unknown > 0) {
      p.unknown.min += 1;
      p.unknown.max += answer.unknown;
    }
  }
  if (closing) {
    const last = closingFrame(rng);
    const answer = expectedAnswer(last.opcode, last.payload, known);
    p.close = 'close' in answer ? answer.close : undefined;
    p.frames.push(last);
  } else {
    p.frames.push({ kind: 'end marker', opcode: 1, payload: Buffer.from(END) });
  }
  return p;
}

const preview = (f: FuzzFrame) => `${f.kind} ${JSON.stringify(f.payload.toString('latin1', 0, 60))}`;

async function connection(ctx: PhaseContext, rng: Rng, n: number, known: ReadonlySet<string>): Promise<void> {
  const p = plan(rng, n, ctx.symbols, known);
  const client = await ctx.open();
  if (!client) return;
  const body = Buffer.concat(p.frames.map((f) => clientFrame(f.payload, { opcode: f.opcode })));
  // Half the connections send their frames with the handshake, before its answer; all split them at random points.
  const pipelined = rng.chance(0.5);
  if (!pipelined) await client.upgrade();
  const bytes = pipelined ? Buffer.concat([upgradeRequest('/ws/signals'), body]) : body;
  for (let at = 0; at < bytes.length;) {
    const next = rng.chance(0.5) ? bytes.length : at + 1 + rng.int(bytes.length - at);
    client.write(bytes.subarray(at, next));
    at = next;
    await new Promise((r) => setImmediate(r));
  }
  ctx.frames += p.frames.length;
  const ended = () => client.stream.messages.some((m) => m.type === 'heartbeat' && m.id === 'end');
  await client.until(() => client.dropped() || ended(), 10_000);
  // Then the late answers: every history page, and at least as many errors as surely come.
  const errors = [...p.exact.values()].reduce((a, b) => a + b, 0) + p.unknown.min;
  const histories = () => client.stream.messages.filter((m) => m.type === 'history').length;
  const ranks = () => client.stream.messages.filter((m) => m.type === 'rank').length;
  // A day's first ranking is computed (tenths of a second for the bundled universe; more on a loaded machine).
  await client.until(() => client.dropped() || (histories() >= p.histories && ranks() >= p.ranks && client.errors().length >= errors), 10_000);
  client.destroy();
  ctx.tally.client(client);
  const who = `${p.frames.length} frames from ${client.address}`;
  if (client.stream.status !== 101) return ctx.tally.wrong(`upgrade to /ws/signals with ${who}`, 'HTTP 101', summary(client));
  if (p.close !== undefined) {
    ctx.tally.expect(`${who} ending in ${preview(p.frames.at(-1)!)}`, [`close ${p.close}`], ending(client));
  } else if (!ended()) {
    ctx.tally.wrong(`${who} ending in a heartbeat`, 'every frame answered and the heartbeat echoed', summary(client));
    return;
  }
  const got = client.errors();
  const count = (code: string) => got.filter((c) => c === code).length;
  for (const [code, want] of p.exact) {
    if (count(code) !== want) {
      const examples = p.frames.filter((f) => {
        const a = expectedAnswer(f.opcode, f.payload, known);
        return 'error' in a && a.error === code;
      });
      ctx.tally.wrong(`${who} (${examples.slice(0, 2).map(preview).join(', ') || 'none expected'})`, `${code} x${want}`, `${code} x${count(code)}`);
    }
  }
  if (histories() !== p.histories) ctx.tally.wrong(who, `${p.histories} history pages`, `${histories()}`);
  if (ranks() !== p.ranks) ctx.tally.wrong(who, `${p.ranks} rank answers`, `${ranks()}`);
  const unknown = count('UNKNOWN_SYMBOL');
  if (unknown < p.unknown.min || unknown > p.unknown.max) ctx.tally.wrong(who, `UNKNOWN_SYMBOL x${p.unknown.min}..${p.unknown.max}`, `x${unknown}`);
  const other = got.filter((c) => !EXACT.includes(c) && c !== 'UNKNOWN_SYMBOL');
  if (other.length > 0) ctx.tally.wrong(who, 'no other error codes', other.join(', '));
  // The seed clients' alerts come with two of the errors.
  const alerts = client.stream.messages.filter((m) => m.type === 'alert');
  const invalidJson = alerts.filter((m) => m.message === 'Invalid JSON format').length;
  const unknownType = alerts.filter((m) => String(m.message).startsWith('Unknown message type')).length;
  if (invalidJson !== p.exact.get('INVALID_JSON') || unknownType !== p.exact.get('UNKNOWN_TYPE')) {
    ctx.tally.wrong(
      who,
      `alerts: ${p.exact.get('INVALID_JSON')} "Invalid JSON format", ${p.exact.get('UNKNOWN_TYPE')} "Unknown message type"`,
      `${invalidJson} and ${unknownType}`,
    );
  }
}

export const randomFrames: Phase = {
  id: 'a',
  title: 'random and malformed frames',
  async run(ctx) {
    const known = new Set(ctx.symbols);
    const total = ctx.sizes.frames;
    // One seed per connection, drawn up front, so that a run replays the same inputs whatever the timing.
    const seeds = Array.from({ length: Math.ceil(total / PER_CONNECTION) }, () => ctx.rng.int(2 ** 32));
    await parallel(seeds.length, ctx.sizes.concurrency, ctx.over, (i) =>
      connection(ctx, new Rng(seeds[i]!), Math.min(PER_CONNECTION, total - i * PER_CONNECTION), known),
    );
  },
};
