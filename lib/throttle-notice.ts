// What a throttled sign-in or sign-up tells the person: shared by the server, which refuses,
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

export function throttleMessage(n: ThrottleNotice, action: 'sign-in' | 'sign-up'): string {
  const whose = n.scope === 'account' ? (action === 'sign-in' ? 'for this account' : 'for this email') : 'from your network';
  const what = action === 'sign-in' ? 'failed sign-ins' : 'sign-up attempts';
  const wait = waitInWords(n.retryAfterSeconds);
  return n.locked
    ? `${action === 'sign-in' ? 'Sign-in' : 'Sign-up'} is locked: too many ${what} ${whose}. Try again in ${wait}.`
    : `Too many ${what} ${whose}. Wait ${wait} before trying again.`;
}
