import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { createStripe } from './client';

describe('createStripe', () => {
  it('requires a key and takes the endpoint overrides from the configuration', () => {
    expect(() => createStripe(' ')).toThrow(/secret key is required/);
    const api = loadConfig({ STRIPE_API_HOST: 'localhost', STRIPE_API_PORT: '12111', STRIPE_API_PROTOCOL: 'http' }).stripeApi;
    expect(api).toEqual({ host: 'localhost', port: 12111, protocol: 'http' });
    expect(createStripe('sk_test_x', {}, api)).toBeDefined();
  });

  it.each([
    ['STRIPE_API_PORT', 'abc', 'STRIPE_API_PORT="abc": must be a whole number from 1 to 65535'],
    ['STRIPE_API_PORT', '70000', 'STRIPE_API_PORT="70000": must be a whole number from 1 to 65535'],
    ['STRIPE_API_PROTOCOL', 'ftp', 'STRIPE_API_PROTOCOL="ftp": must be one of http, https'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
