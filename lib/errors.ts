// What the portal shows of a failed call. The server sends structured data (trpc/init.ts):
// zod's issues with their paths, the AppError's code and details, and a request id for a
// failure on the server's side (already in its message). Nothing here parses message text.
import type { AppErrorData, ZodIssueData } from '@/trpc/init';

function dataOf(err: unknown): AppErrorData | undefined {
  if (typeof err !== 'object' || err === null || !('data' in err)) return undefined;
  const data = (err as { data?: unknown }).data;
  return typeof data === 'object' && data !== null ? (data as AppErrorData) : undefined;
}

/** The failed call in words: the first input problem, else the server's message. */
export function readableError(err: unknown): string {
  const issue = dataOf(err)?.zodIssues?.[0];
  if (issue) return issue.message;
  return err instanceof Error ? err.message : String(err);
}

/** The input problems of a failed call, each with its path (`[]` when the input was fine). */
export function inputIssues(err: unknown): ZodIssueData[] {
  return dataOf(err)?.zodIssues ?? [];
}

/** The AppError details of a failed call (e.g. a throttle notice), if the server sent any. */
export function errorDetails(err: unknown): Record<string, unknown> | undefined {
  return dataOf(err)?.details;
}
