// Retry delays shared by the client's reconnects, the providers' stream reconnects and the webhooks' redeliveries.

/**
 * Delay before retry `attempt` (0-based): exponential from `initial`, capped at `max`, with "equal jitter" (half
 * fixed, half random) so that many peers do not retry in step. The randomness spreads retries; no analysis uses it.
 * @example backoffDelay(3, 500, 15_000, () => 0.5) // 3000
 */
export function backoffDelay(attempt: number, initial: number, max: number, random: () => number = Math.random): number {
  const base = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + (base / 2) * random());
}
