// The client's address for the audit log and sign-in throttling. Behind N trusted proxies the
// client is the Nth X-Forwarded-For entry from the right: each proxy appends the address it
// was reached from, and everything left of that is whatever the client chose to send.
export function clientAddress(forwardedFor: string | string[] | undefined, remoteAddress: string | undefined, trustedHops: number): string {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  const entries = header.split(',').map((e) => e.trim()).filter(Boolean);
  if (trustedHops > 0 && entries.length > 0) return entries[Math.max(0, entries.length - trustedHops)]!;
  return remoteAddress ?? '';
}
