/** A refused usage-statement or proof request, with the HTTP status and code the API answers with. */
export class UsageProofError extends Error {
  constructor(
    readonly status: 400 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UsageProofError';
  }
}
