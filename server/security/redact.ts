// Masks secrets in text bound for logs: API keys (the secret after the public prefix),
// credentials in URLs, bearer tokens, Stripe keys and key=value pairs named like secrets.
const PATTERNS: [RegExp, string][] = [
  [/\b(sk_live_[0-9a-f]{8})_[A-Za-z0-9_-]+/g, '$1_[redacted]'],
  [/\b((?:sk|rk)_(?:test|live)_|whsec_)[A-Za-z0-9+/=]{16,}/g, '$1[redacted]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, '$1[redacted]@'],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]'],
  [/\b((?:password|passwd|secret|api[_-]?key|token)"?\s*[=:]\s*)("?)[^\s"&,;]+\2/gi, '$1$2[redacted]$2'],
];

export function redactSecrets(text: string): string {
  return PATTERNS.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
}
