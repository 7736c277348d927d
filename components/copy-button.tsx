'use client';
import { useState } from 'react';
import { cx } from './cx';
import { Button } from './ui';

/** Copies `value` to the clipboard; the label confirms for two seconds. */
export function CopyButton({ value, label = 'Copy', className }: { value: string; label?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    await navigator.clipboard.writeText(value);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }
  return (
    <Button variant="secondary" className={cx('shrink-0 whitespace-nowrap', className)} onClick={copy} aria-label={`${label}${copied ? ' (copied)' : ''}`}>
      {copied ? 'Copied' : label}
    </Button>
  );
}
