// A request's id: the caller's X-Request-Id when it is short printable ASCII, else a new UUID.
// The API and the portal both log it and send it back, so a user's report finds the log line.
import { randomUUID } from 'node:crypto';

const CALLER_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

export function requestIdOf(header: string | null | undefined): string {
  return header != null && CALLER_REQUEST_ID.test(header) ? header : randomUUID();
}
