import { describe, expect, it } from 'vitest';
import { errorDetails, inputIssues, readableError } from './errors';

// A failed call as @trpc/client hands it over: an Error with the server's formatted data.
const failed = (message: string, data?: Record<string, unknown>) => Object.assign(new Error(message), { data });

describe('what the portal shows of a failed call', () => {
  it('reads input problems from the structured data, never from the message text', () => {
    const err = failed('Enter a host such as api.example.com', { code: 'BAD_REQUEST', zodIssues: [{ path: ['entries', 2], message: 'not a host pattern' }, { path: ['entries', 4], message: 'too long' }] });
    expect(readableError(err)).toBe('not a host pattern');
    expect(inputIssues(err)).toEqual([{ path: ['entries', 2], message: 'not a host pattern' }, { path: ['entries', 4], message: 'too long' }]);
    const jsonText = failed('[{"message":"looks like zod"}]');
    expect(readableError(jsonText)).toBe('[{"message":"looks like zod"}]');
    expect(inputIssues(jsonText)).toEqual([]);
  });

  it("shows the server's message otherwise, with its details", () => {
    const err = failed('Too many sign-up attempts', { appCode: 'THROTTLED', details: { throttle: { retryAfterSeconds: 3 } } });
    expect(readableError(err)).toBe('Too many sign-up attempts');
    expect(errorDetails(err)).toEqual({ throttle: { retryAfterSeconds: 3 } });
    expect(readableError('offline')).toBe('offline');
    expect(errorDetails(new Error('x'))).toBeUndefined();
  });
});
