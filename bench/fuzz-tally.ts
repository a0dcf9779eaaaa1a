// What a phase saw: answers counted by kind, answers that differ from the documented ones, and echoed ids over 128 characters.
import type { RawClient } from './fuzz-client.js';

const EXAMPLES = 6;
/** Request ids are strings of up to 128 characters (or numbers); a longer one must never be echoed. */
const MAX_ID_CHARS = 128;

const clip = (s: string, n = 100) => (s.length <= n ? s : `${s.slice(0, n)}… (${s.length} chars)`);

/** How the server ended a connection: `close CODE`, `reset`, `fin` (no close frame), or `open` if it has not. */
export function ending(c: RawClient): string {
  if (c.stream.close) return `close ${c.stream.close.code}`;
  return c.ending ?? (c.closed && !c.hungUp ? 'fin' : 'open');
}

/** One line about what a client got: its HTTP status, error codes, close frame or how its socket ended. */
export function summary(c: RawClient): string {
  const codes = new Map<string, number>();
  for (const code of c.errors()) codes.set(code, (codes.get(code) ?? 0) + 1);
  const parts = [c.stream.status === undefined ? 'no HTTP answer' : `HTTP ${c.stream.status}`];
  if (codes.size > 0) parts.push([...codes].map(([code, n]) => (n > 1 ? `${code} x${n}` : code)).join(', '));
  const close = c.stream.close;
  parts.push(close ? `close ${close.code}${close.reason ? ` "${clip(close.reason, 60)}"` : ''}` : ending(c));
  return parts.join('; ');
}

export class Tally {
  readonly answers: Record<string, number> = {};
  mismatches = 0;
  readonly examples: string[] = [];
  /** Inputs whose answers were cut off because the server died: the likely culprits, not wrong answers. */
  readonly inFlight: string[] = [];
  /** Wrong answers that look like the server dying (a reset, an end without a close frame, no answer): decided by `settle`. */
  private readonly doubtful: [string, string, string][] = [];

  count(key: string, n = 1): void {
    if (n > 0) this.answers[key] = (this.answers[key] ?? 0) + n;
  }

  /** Counts what the server sent one client (status, error codes, how it ended) and checks every echoed id. */
  client(c: RawClient): void {
    if (c.stream.status !== undefined) this.count(`HTTP ${c.stream.status}`);
    for (const m of c.stream.messages) {
      if (m.type === 'error') this.count(String(m.code));
      if (typeof m.id === 'string' && m.id.length > MAX_ID_CHARS) {
        this.wrong(`a request with an id of ${m.id.length} characters`, 'the id left out of the answer', `${String(m.type)} echoing it`);
      }
    }
    // How a WebSocket (or a request that got no answer) ended; an HTTP answer is the whole answer.
    const end = ending(c);
    if (end !== 'open' && (c.stream.status === undefined || c.stream.status === 101)) this.count(end);
    if (c.stream.serverFaults > 0) this.wrong(`the server's frames to ${c.address}`, 'unmasked frames', `${c.stream.serverFaults} masked`);
  }

  /** Records a wrong answer: `input` drew `observed` where the documentation says `expected`. */
  wrong(input: string, expected: string, observed: string): void {
    if (/\b(reset|fin)\b|no HTTP answer/.test(observed)) {
      this.doubtful.push([input, expected, observed]);
      return;
    }
    this.record(input, expected, observed);
  }

  /** An input that was in flight when the server died. */
  suspect(input: string): void {
    const line = clip(input);
    if (this.inFlight.length < EXAMPLES && !this.inFlight.includes(line)) this.inFlight.push(line);
  }

  /** At the end of a phase: answers cut off by a reset are the server's death if it died, wrong answers if it lives. */
  settle(died: boolean): void {
    for (const [input, expected, observed] of this.doubtful.splice(0)) {
      if (died) this.suspect(input);
      else this.record(input, expected, observed);
    }
  }

  private record(input: string, expected: string, observed: string): void {
    this.mismatches += 1;
    if (this.examples.length < EXAMPLES) this.examples.push(`${clip(input)}: expected ${expected}, got ${observed}`);
  }

  /** Whether `observed` is one of `expected`; records a wrong answer if not. */
  expect(input: string, expected: readonly string[], observed: string): boolean {
    if (expected.includes(observed)) return true;
    this.wrong(input, expected.join(' or '), observed);
    return false;
  }
}
