// `signals config` as a real process shows each value as its flag takes it (retention `10000,90d`), not as parsed (ms, objects).
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

/** The VALUE column of `signals config ...` for one setting row. */
function value(stdout: string, name: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no row ${name} in:\n${stdout}`);
  return /^\S+\s+(\S+)/.exec(line)![1]!;
}

describe('signals config: values in the units a user types', () => {
  it('the default retention is 10000,90d; a given one reads as it was given, hours as hours', () => {
    expect(value(run(['config']).stdout, 'retention')).toBe('10000,90d');
    const r = run(['config', 'serve', '--retention', '36h,500'], { SIGNALS_RETENTION: '30d' });
    expect(r.stderr).toBe('');
    expect(value(r.stdout, '--retention')).toBe('500,36h');
    expect(value(run(['config', 'serve'], { SIGNALS_RETENTION: '30d' }).stdout, '--retention')).toBe('10000,30d');
  });

  it('weights as id=weight pairs; history --from and --to as the day or time given', () => {
    expect(value(run(['config', 'analyze', '--weights', 'technical=1.5,sentiment=0.5']).stdout, '--weights')).toBe('technical=1.5,sentiment=0.5');
    const r = run(['config', 'history', 'AAPL', '--from', '2026-01-05', '--to', '2026-01-06T14:30:00Z']);
    expect(r.stderr).toBe('');
    expect(value(r.stdout, '--from')).toBe('2026-01-05');
    expect(value(r.stdout, '--to')).toBe('2026-01-06T14:30:00.000Z');
    expect(value(run(['config', 'history', 'AAPL', '--to', '2026-01-06']).stdout, '--to')).toBe('2026-01-06');
  });
});
