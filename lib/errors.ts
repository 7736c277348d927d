/** tRPC's zod errors arrive as JSON text; show the first message in words. */
export function readableError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  try {
    const issues = JSON.parse(message) as { message: string }[];
    if (Array.isArray(issues) && issues[0]?.message) return issues[0].message;
  } catch {
    // not a zod issue list
  }
  return message;
}
