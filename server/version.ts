import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

/** What signet-verify sends as its User-Agent, so an operator can count the tenants who verify (admin KPIs). */
export const VERIFY_USER_AGENT = `signet-verify/${VERSION}`;
