// Clients that never read: how much the kernel holds for one, and the check that the server dropped every one it had to.
import { readFileSync } from 'node:fs';
import type { RawClient } from './fuzz-client.js';
import { CLIENT_CAP_BYTES, type PhaseContext } from './fuzz-phase.js';
import { ending } from './fuzz-tally.js';
import { clientFrame } from './fuzz-wire.js';

/**
 * Bytes the kernel buffers for a loopback client that has never read: the sender's largest send buffer
 * (tcp_wmem max) plus the receiver's initial receive buffer (tcp_rmem default), which does not grow
 * while nothing is read. About 4 MiB on Linux defaults; an over-estimate, so the check errs towards passing.
 */
function unreadAllowance(): number {
  const field = (file: string, i: number) => Number(readFileSync(`/proc/sys/net/ipv4/${file}`, 'utf8').trim().split(/\s+/)[i]);
  return field('tcp_wmem', 2) + field('tcp_rmem', 1);
}

/** Above what a never-reading client's buffers and the server's cap hold together, the server must have dropped it. */
export function mustDropAbove(): number {
  return unreadAllowance() + CLIENT_CAP_BYTES + 256 * 1024;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Lets `clients` (which never read) read at last, and checks that if the server offered each more than
 * `mustDropAbove()` bytes (`offered`, measured by a reading twin that asked for the same; undefined if the
 * twin's answers did not all arrive) it had dropped them: with a close (4008 "slow consumer") or a reset,
 * which a client that does not read cannot tell apart.
 */
export async function checkDropped(ctx: PhaseContext, name: string, offered: number | undefined, clients: RawClient[]): Promise<void> {
  // Each reads at last and, a second later (when the message limit has a token for it again), sends a heartbeat:
  // behind its backlog, a kept client finds the echo, a dropped one a close frame or the end of its socket.
  for (const c of clients) c.resume();
  await new Promise((r) => setTimeout(r, 1_000));
  const echoed = (c: RawClient) => c.stream.messages.some((m) => m.type === 'heartbeat' && m.id === 'still there?');
  await Promise.all(
    clients.map((c) => {
      c.write(clientFrame(JSON.stringify({ type: 'heartbeat', id: 'still there?' })));
      return c.until(() => c.dropped() || echoed(c), 10_000);
    }),
  );
  const dropped = clients.filter((c) => c.dropped()).length;
  for (const c of clients)
    ctx.tally.count(c.dropped() ? `never read, dropped: ${ending(c)}` : echoed(c) ? 'never read, kept' : 'never read, no answer in 10 s');
  if (offered === undefined) {
    ctx.checks.push({
      name,
      ok: false,
      detail: `the server had not finished answering the reading twin, so what it offered each client is unknown; ${dropped} of ${clients.length} were dropped`,
    });
    return;
  }
  const limit = mustDropAbove();
  const past = offered > limit;
  ctx.checks.push({
    name,
    ok: !past || dropped === clients.length,
    detail:
      `the server offered each ${mib(offered)} (measured by a reading twin); a client that never reads holds at most ` +
      `${mib(limit - CLIENT_CAP_BYTES)} in kernel buffers plus the 1 MiB cap, so ${past ? 'every one must have been dropped' : 'none had to be'}: ` +
      `${dropped} of ${clients.length} were`,
  });
}
