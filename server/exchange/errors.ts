// Every way an exchange can be refused, with its HTTP status and SPEC error code. None of
// them writes a receipt or counts a VEx.
export class ExchangeError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 502 | 503 | 504,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}
