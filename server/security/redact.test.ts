import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it.each([
    ['key sk_live_0a1b2c3d_Zm9vYmFyYmF6cXV4cXV1eA-_x rejected', 'key sk_live_0a1b2c3d_[redacted] rejected'],
    ['connect postgresql://signet:hunter2@db:5432/signet failed', 'connect postgresql://signet:[redacted]@db:5432/signet failed'],
    ['Authorization: Bearer eyJhbGciOi.abc.def', 'Authorization: Bearer [redacted]'],
    ['stripe sk_test_51HxyzABCDEFGHIJKLMN and whsec_abcdefghijklmnopq', 'stripe sk_test_[redacted] and whsec_[redacted]'],
    ['password=hunter2&user=x', 'password=[redacted]&user=x'],
    ['{"api_key": "abc123"}', '{"api_key": "[redacted]"}'],
  ])('masks %s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('leaves ordinary text and public key prefixes alone', () => {
    const text = 'trace tr_123 hop 2 by key sk_live_0a1b2c3d at https://partner.example/hook';
    expect(redactSecrets(text)).toBe(text);
  });
});
