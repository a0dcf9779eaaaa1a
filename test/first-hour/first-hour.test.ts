// A user's first hour, scripted: the README's install commands in order (the tarball `npm pack` writes, installed
// globally), the installed `signals` run from another folder, and the dashboard in tmux at 60x15, 80x24 and 120x40,
// its screens checked against issue 23.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };

/** Debian's tmux; `.ci/run` installs it when it is missing. */
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('first-hour test skipped: tmux is not installed (`apt-get install -y tmux`; .ci/run installs it)');

/** The symbols of the run: more than fit at 60x15. */
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'JPM', 'XOM', 'SPY', 'GOOGL'];
const SIZES = [
  { columns: 60, rows: 15 },
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasTmux)('a first hour, as the README says', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signals-first-hour-'));
  const prefix = join(dir, 'global');
  const elsewhere = join(dir, 'elsewhere');
  // Its own tmux server: nothing of the user's sessions is touched, and kill-server ends only this one.
  const socket = `signals-first-hour-${process.pid}`;
  // The installed command first on the PATH, a state dir and config folder of the test's own, no colour to strip.
  const env = { ...cleanEnv(), PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`, NO_COLOR: '1' };
  const sh = (command: string, args: string[], cwd: string) => execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: 'pipe' });
  const tmux = (...args: string[]) => sh('tmux', ['-L', socket, ...args], elsewhere);
  const capture = (target: string) => tmux('capture-pane', '-p', '-t', target).replace(/\n$/, '').split('\n');
  /** The last line with something on it (the frame leaves the terminal's last line free). */
  const footer = (screen: string[]) => screen.filter((l) => l.trim() !== '').at(-1);
  const timings: string[] = [];
  const timed = <T>(what: string, fn: () => T): T => {
    const started = Date.now();
    const out = fn();
    timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return out;
  };

  beforeAll(() => {
    mkdirSync(elsewhere);
    // The README's first command is `npm install && npm pack` in a clone. A clone's `npm install` takes a minute
    // (resolving, then building through prepare): this checkout's install and build stand in for it
    // (`npm run test:first-hour` builds first), and the pack takes that build as it is (--ignore-scripts: pack's
    // prepack and prepare would rebuild the same files). What follows is the user's path as it is.
    for (const file of ['dist/cli/main.cjs', 'dist/types/client/client.d.ts']) {
      if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build && npm run build:types\` first`);
    }
    const [packed] = timed(
      'npm pack',
      () => JSON.parse(sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root)) as [{ filename: string }],
    );
    expect(packed.filename).toBe(`${pkg.name}-${pkg.version}.tgz`);
    // `npm install -g ./signals-consensus-0.1.0.tgz` (its dependencies from the registry, npm's cache first), into a
    // prefix of the test's own rather than the machine's.
    timed('npm install -g', () =>
      sh('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed.filename)], elsewhere),
    );
  }, 120_000);

  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { env });
    rmSync(dir, { recursive: true, force: true });
    console.log(`first hour: ${timings.join(', ')}`);
  });

  it('`signals analyze AAPL` from another folder at 80 columns: the source and age of the data, nothing wrapped mid-word', async () => {
    tmux('new-session', '-d', '-s', 'analyze', '-x', '80', '-y', '60', `signals analyze AAPL; echo "exit $?"; sleep 600`);
    let screen: string[] = [];
    for (let i = 0; i < 60 && !screen.some((l) => /^exit \d+$/.test(l)); i++) {
      await sleep(500);
      screen = capture('analyze');
    }
    expect(screen).toContain('exit 0');
    expect(screen[0]).toMatch(/^AAPL {2}as of 2025-10-08 {2}close \d+\.\d\d$/);
    expect(screen[1]).toMatch(/^data: bundled, last day 2025-10-08 \(\d+ (months|years) old\); today's: --provider yahoo$/);
    // The terminal wrapped no line (joining wrapped lines changes nothing): the table folded itself, between words.
    for (const line of screen) expect(line.length, line).toBeLessThanOrEqual(80);
    const joined = tmux('capture-pane', '-p', '-J', '-t', 'analyze').replace(/\n$/, '').split('\n');
    expect(joined).toEqual(screen);
    // A reason with no room beside the columns stands whole under its agent.
    expect(screen.join('\n')).toMatch(/^TechnicalAnalyst +\w+ .*\n {2}\S.*$/m);
  });

  describe('`signals watch ... --local` in tmux', () => {
    const screens = new Map<number, string[]>();
    /** The events the dashboard lists: what shows the analyses have arrived. */
    const events = (screen: string[]) => screen.filter((l) => /^\d\d:\d\d:\d\d \S+ (BUY|SELL|HOLD)/.test(l)).length;

    beforeAll(async () => {
      for (const { columns, rows } of SIZES) {
        const name = `w${columns}`;
        tmux(
          'new-session',
          '-d',
          '-s',
          name,
          '-x',
          String(columns),
          '-y',
          String(rows),
          `signals watch ${SYMBOLS.join(' ')} --local; echo "exit $?"; sleep 600`,
        );
      }
      // Until each has its first analyses and a few events (the bundled replay publishes within seconds).
      for (let i = 0; i < 90; i++) {
        await sleep(500);
        for (const { columns } of SIZES) screens.set(columns, capture(`w${columns}`));
        const wide = screens.get(120)!;
        if (events(wide) >= 3 && [60, 80].every((c) => screens.get(c)!.some((l) => /agents {2}\(signal #/.test(l)))) break;
      }
    }, 60_000);

    it('every size: the header says it is a replay of the bundled data and of which day; nothing wider than the terminal', () => {
      for (const { columns, rows } of SIZES) {
        const screen = screens.get(columns)!;
        expect(screen.length, `${columns}x${rows}`).toBeLessThanOrEqual(rows);
        for (const line of screen) expect(line.length, line).toBeLessThanOrEqual(columns);
        expect(screen[0], `${columns}x${rows}`).toMatch(/● connected · replay of bundled data · 2025-\d\d-\d\d \d\d:\d\d(Z| UTC)/);
      }
    });

    it('60x15: the rows and the agents that do not fit are counted on screen', () => {
      const screen = screens.get(60)!;
      const shown = SYMBOLS.filter((s) => screen.some((l) => new RegExp(`^.${s} `).test(l))).length;
      expect(shown).toBeLessThan(SYMBOLS.length);
      expect(screen).toContain(` +${SYMBOLS.length - shown} more (${SYMBOLS.length - shown} below; ↑/↓ scrolls)`);
      expect(screen.some((l) => /^AAPL agents {2}\(signal #\d+\) · \+\d more · Enter: detail$/.test(l))).toBe(true);
    });

    it('80x24: every symbol, and each agent with its reason', () => {
      const screen = screens.get(80)!;
      for (const s of SYMBOLS)
        expect(
          screen.some((l) => new RegExp(`^.${s} `).test(l)),
          s,
        ).toBe(true);
      for (const agent of ['TechnicalAnalyst', 'Momentum', 'VolatilityRisk', 'EconomicIndicator', 'NewsSentiment']) {
        expect(
          screen.some((l) => l.startsWith(agent)),
          agent,
        ).toBe(true);
      }
    });

    it("120x40: no more than 2 blank rows, and each agent's first reason leads with its figure", () => {
      const screen = screens.get(120)!;
      const blank = screen.filter((l) => l.trim() === '').length + (40 - screen.length);
      expect(blank, screen.join('\n')).toBeLessThanOrEqual(2);
      const agentLines = screen.filter((l) => /^(TechnicalAnalyst|Momentum|VolatilityRisk|EconomicIndicator|NewsSentiment) /.test(l));
      expect(agentLines).toHaveLength(5);
      for (const line of agentLines) {
        // The reason starts after the name, the call, the chance and its bar.
        const reason = line.slice(46);
        expect(reason.slice(0, 24), line).toMatch(/\d/);
      }
    });

    it('Esc twice in the filter prompt does not quit; q does', async () => {
      /** Captures until `ok` holds for the screen, for up to 10 s (a loaded machine draws late). */
      const until = async (ok: (screen: string[]) => boolean) => {
        let screen = capture('w80');
        for (let i = 0; i < 40 && !ok(screen); i++) {
          await sleep(250);
          screen = capture('w80');
        }
        return screen;
      };
      tmux('send-keys', '-t', 'w80', '/', 'm');
      expect(footer(await until((s) => /^filter: m▌/.test(footer(s) ?? '')))).toMatch(/^filter: m▌/);
      // Keys are taken in order: had an Esc quit, the ? after them would open no help.
      // Each key on its own, as typed: an Esc that arrives with the next key reads as Alt and that key.
      tmux('send-keys', '-t', 'w80', 'Escape');
      expect(footer(await until((s) => /^↑\/↓ select/.test(footer(s) ?? '')))).toMatch(/^↑\/↓ select/);
      await sleep(300);
      tmux('send-keys', '-t', 'w80', 'Escape');
      await sleep(300);
      tmux('send-keys', '-t', 'w80', '?');
      const help = await until((s) => s.includes('keys') || s.includes('exit 0'));
      expect(help).toContain('keys');
      expect(help).not.toContain('exit 0');
      tmux('send-keys', '-t', 'w80', 'q');
      expect(await until((s) => s.includes('exit 0'))).toContain('exit 0');
    });
  });
});
