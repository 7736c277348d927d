// What a throttled sign-in, sign-up or password-reset request tells the person: shared by the server, which refuses,
// and the forms, which show the notice (next-auth passes only an error string through).
export interface ThrottleNotice {
  /** Which counter refused: the account (email) or the client address. */
  scope: 'account' | 'address';
  /** Locked out (20 failures) rather than delayed. */
  locked: boolean;
  retryAfterSeconds: number;
}

const PREFIX = 'Throttled';

export function encodeThrottleNotice(n: ThrottleNotice): string {
  return `${PREFIX}:${n.scope}:${n.locked ? 'locked' : 'delayed'}:${n.retryAfterSeconds}`;
}

export function decodeThrottleNotice(error: string | null | undefined): ThrottleNotice | null {
  const m = /^Throttled:(account|address):(locked|delayed):(\d+)$/.exec(error ?? '');
  return m ? { scope: m[1] as ThrottleNotice['scope'], locked: m[2] === 'locked', retryAfterSeconds: Number(m[3]) } : null;
}

export function waitInWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** What was throttled, as the forms and the server's messages name it. */
export type ThrottledAction = 'sign-in' | 'sign-up' | 'password-reset';

const WORDS: Record<ThrottledAction, { name: string; attempts: string; account: string }> = {
  'sign-in': { name: 'Sign-in', attempts: 'failed sign-ins', account: 'for this account' },
  'sign-up': { name: 'Sign-up', attempts: 'sign-up attempts', account: 'for this email' },
  // "for this email", never "account": the refusal is the same whether or not an account exists.
  'password-reset': { name: 'Password reset', attempts: 'reset requests', account: 'for this email' },
};

export function throttleMessage(n: ThrottleNotice, action: ThrottledAction): string {
  const words = WORDS[action];
  const whose = n.scope === 'account' ? words.account : 'from your network';
  const wait = waitInWords(n.retryAfterSeconds);
  return n.locked ? `${words.name} is locked: too many ${words.attempts} ${whose}. Try again in ${wait}.` : `Too many ${words.attempts} ${whose}. Wait ${wait} before trying again.`;
}
