// Number formatting shared by the portal pages. Counts may be bigint (usage ledger sums).
const integer = new Intl.NumberFormat('en-US');

export function formatCount(value: bigint | number): string {
  return integer.format(value);
}

/** Share of `used` in `limit` as 0–100 (capped), for progress bars. */
export function percentOf(used: bigint, limit: bigint): number {
  if (limit <= 0n) return used > 0n ? 100 : 0;
  const basisPoints = (used * 10_000n) / limit;
  return Math.min(100, Number(basisPoints) / 100);
}

/** `abcdef…uvwxyz` for long hashes and signatures. */
export function truncateMiddle(text: string, keep = 10): string {
  return text.length <= keep * 2 + 1 ? text : `${text.slice(0, keep)}…${text.slice(-keep)}`;
}
