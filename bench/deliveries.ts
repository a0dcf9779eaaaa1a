// What a benchmark client counts: the messages of the analyses the bench drives, each with its publish-to-receive latency.

/** The histogram's last bucket, in ms: every longer latency is counted in it. */
export const MAX_MS = 60_000;

const TIMESTAMP = Buffer.from('"timestamp":"');

/**
 * The messages one analysis sends to its room (ANALYZING, PROCESSING and the votes, then the signal or the decision),
 * as the server and the baseline both serialise them: `type` first. Their first `timestamp` is when the server made
 * the event. Nothing else is the bench's offered load: a price update carries the market's time (with the replay
 * nearly frozen, a day or years old), heartbeats come every 30 s, and the baseline sends neither; counted, the
 * monitor's price flush (every room at once, every 100 s at `--price-rate 0.01`) made a stretch look a minute late.
 */
const ANALYSIS_TYPES = ['agent_update', 'signal_update', 'decision_update'].map((type) => Buffer.from(`{"type":"${type}"`));

/** Whether a frame is one of an analysis's messages (see ANALYSIS_TYPES). */
export function isAnalysisMessage(data: Buffer): boolean {
  return ANALYSIS_TYPES.some((prefix) => data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0);
}

/** Deliveries of analysis messages and their latencies (a 1 ms histogram up to MAX_MS). */
export class Deliveries {
  received = 0;
  histogram = new Uint32Array(MAX_MS + 1);

  /** Counts `data` if it is an analysis message with a timestamp, received at `now` (ms since the epoch). */
  add(data: Buffer, now = Date.now()): void {
    if (!isAnalysisMessage(data)) return;
    const at = data.indexOf(TIMESTAMP);
    if (at < 0) return;
    const start = at + TIMESTAMP.length;
    const published = Date.parse(data.toString('latin1', start, start + 24));
    if (Number.isNaN(published)) return;
    this.received += 1;
    this.histogram[Math.min(MAX_MS, Math.max(0, now - published))]! += 1;
  }
}
