// A signal log held in memory: the same numbering, reads and retention as the embedded log, gone when the process ends.
import { randomUUID } from 'node:crypto';
import type { SeqRange } from '../protocol/messages.js';
import { DEFAULT_RETENTION, type LogRecord, type Publication, type ReadOptions, type Retention, type SignalLog } from './signal-log.js';
import { selectRecords } from './select.js';

interface Kept extends LogRecord {
  publication: Publication;
}

export class MemoryLog implements SignalLog {
  readonly epoch = randomUUID();
  private readonly symbols = new Map<string, Kept[]>();
  private readonly heads = new Map<string, number>();

  constructor(
    private readonly retention: Retention = DEFAULT_RETENTION,
    private readonly now: () => number = Date.now,
  ) {}

  async append(symbol: string, publication: Publication): Promise<number> {
    const seq = this.head(symbol) + 1;
    publication.data.seq = seq;
    publication.data.epoch = this.epoch;
    const records = this.symbols.get(symbol) ?? [];
    this.symbols.set(symbol, records);
    records.push({ seq, time: this.now(), json: JSON.stringify(publication), publication });
    this.heads.set(symbol, seq);
    this.trim(records);
    return seq;
  }

  async read(symbol: string, options: ReadOptions = {}): Promise<LogRecord[]> {
    return selectRecords(this.symbols.get(symbol) ?? [], options).map(({ seq, time, json }) => ({ seq, time, json }));
  }

  head(symbol: string): number {
    return this.heads.get(symbol) ?? 0;
  }

  oldest(symbol: string): number {
    return this.symbols.get(symbol)?.[0]?.seq ?? 0;
  }

  /** Nothing is lost from memory but what retention trims from the start. */
  gaps(): SeqRange[] {
    return [];
  }

  latest(symbol: string): Publication | undefined {
    return this.symbols.get(symbol)?.at(-1)?.publication;
  }

  async close(): Promise<void> {}

  private trim(records: Kept[]): void {
    const cutoff = this.now() - this.retention.maxAgeMs;
    let drop = Math.max(0, records.length - this.retention.maxCount);
    while (drop < records.length - 1 && records[drop]!.time < cutoff) drop += 1;
    if (drop > 0) records.splice(0, drop);
  }
}
