'use client';
// The notice a throttled sign-in, sign-up or password-reset request shows, counting down to when the form may be sent again.
import { useEffect, useState } from 'react';
import { Alert } from '@/components/ui';
import { throttleMessage, type ThrottledAction, type ThrottleNotice } from '@/lib/throttle-notice';

export function useThrottleCountdown() {
  const [state, setState] = useState<{ notice: ThrottleNotice; until: number } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!state) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [state]);
  const remaining = state ? Math.ceil((state.until - now) / 1000) : 0;
  return {
    notice: state && remaining > 0 ? { ...state.notice, retryAfterSeconds: remaining } : null,
    start(notice: ThrottleNotice) {
      const at = Date.now();
      setNow(at);
      setState({ notice, until: at + notice.retryAfterSeconds * 1000 });
    },
  };
}

export function ThrottleAlert({ notice, action }: { notice: ThrottleNotice; action: ThrottledAction }) {
  return (
    <Alert tone="warning">
      <strong className="block font-semibold">{notice.locked ? 'Temporarily locked' : 'Too many attempts'}</strong>
      {throttleMessage(notice, action)}
    </Alert>
  );
}
