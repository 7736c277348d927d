import { describe, expect, it } from 'vitest';
import { createStripe } from './client';

describe('createStripe', () => {
  it('requires a key and validates the endpoint overrides', () => {
    expect(() => createStripe(' ')).toThrow(/secret key is required/);
    expect(() => createStripe('sk_test_x', {}, { STRIPE_API_PORT: 'abc' })).toThrow(/STRIPE_API_PORT/);
    expect(() => createStripe('sk_test_x', {}, { STRIPE_API_PROTOCOL: 'ftp' })).toThrow(/STRIPE_API_PROTOCOL/);
    expect(createStripe('sk_test_x', {}, { STRIPE_API_HOST: 'localhost', STRIPE_API_PORT: '12111', STRIPE_API_PROTOCOL: 'http' })).toBeDefined();
  });
});
