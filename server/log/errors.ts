// Refusals of the log's read routes, with the HTTP status and SPEC error code they answer with.
export class LogError extends Error {
  constructor(
    readonly status: 400 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
