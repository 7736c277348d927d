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

/** A failed call as a form shows it: every input problem under its field at once, the rest as one message. */
export interface FormErrors<F extends string> {
  fields: Partial<Record<F, string>>;
  message: string | null;
}

export function noFormErrors<F extends string>(): FormErrors<F> {
  return { fields: {}, message: null };
}

/**
 * Sorts a failed call's input problems by the form's fields (the first problem of each field,
 * by the top of its path). A problem with no field on the form, or a failure that is not about
 * the input, becomes the form's message, so nothing the server said is lost.
 */
export function formErrors<F extends string>(err: unknown, fieldNames: readonly F[]): FormErrors<F> {
  const fields: Partial<Record<F, string>> = {};
  const elsewhere: string[] = [];
  for (const issue of inputIssues(err)) {
    const field = fieldNames.find((name) => name === issue.path[0]);
    if (!field) elsewhere.push(issue.message);
    else fields[field] ??= issue.message;
  }
  const anyField = Object.keys(fields).length > 0;
  return { fields, message: elsewhere[0] ?? (anyField ? null : readableError(err)) };
}
