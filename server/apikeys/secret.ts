// API key format: `sk_live_<prefix>_<secret>`. Only SHA-256(full key) is stored; the
// prefix is public (shown in the portal, used as the metrics label).
import { createHash, randomBytes } from 'node:crypto';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): { key: string; prefix: string } {
  const prefix = `sk_live_${randomBytes(4).toString('hex')}`;
  return { key: `${prefix}_${randomBytes(24).toString('base64url')}`, prefix };
}

/** Public display id for a key that came from SP_API_KEYS (whose text we do not choose). */
export function prefixForImportedKey(key: string): string {
  return `env_${hashApiKey(key).slice(0, 10)}`;
}
