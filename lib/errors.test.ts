import { describe, expect, it } from 'vitest';
import { errorDetails, formErrors, inputIssues, readableError } from './errors';

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

  it('puts every input problem under its field at once, and the rest in one message', () => {
    const err = failed('Your name is required', {
      zodIssues: [
        { path: ['name'], message: 'Your name is required' },
        { path: ['email'], message: 'Enter a valid email address' },
        { path: ['email'], message: 'Too long' },
        { path: ['password'], message: 'Password must be at least 10 characters' },
      ],
    });
    expect(formErrors(err, ['name', 'company', 'email', 'password'])).toEqual({
      fields: { name: 'Your name is required', email: 'Enter a valid email address', password: 'Password must be at least 10 characters' },
      message: null,
    });
    // A problem with no field on this form (the reset token) is not dropped.
    const token = failed('Too small', { zodIssues: [{ path: ['token'], message: 'Too small' }, { path: ['password'], message: 'Too short' }] });
    expect(formErrors(token, ['password'])).toEqual({ fields: { password: 'Too short' }, message: 'Too small' });
    expect(formErrors(failed('This invitation has expired'), ['name'])).toEqual({ fields: {}, message: 'This invitation has expired' });
  });
});
