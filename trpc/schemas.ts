// Input schemas shared by several routers.
import { z } from 'zod';
import { validateAllowlistEntry } from '@/server/egress/allowlist';

/** One forward allowlist entry, checked and normalized where it is typed. */
export const allowlistEntry = z
  .string()
  .max(300, 'An entry is at most 300 characters')
  .transform((entry, ctx) => {
    const checked = validateAllowlistEntry(entry);
    if (checked.ok) return checked.normalized;
    ctx.addIssue({ code: 'custom', message: checked.error });
    return z.NEVER;
  });

/** A non-negative whole number of units (FU tokens, VEx). */
export const unitCount = z.bigint().nonnegative('Must be zero or more').max(10n ** 15n, 'That number is too large');
