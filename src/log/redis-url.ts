// A Redis URL as it may be logged; apart from the Redis link so that a server without Redis never loads its client.

/** The URL without its password. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
