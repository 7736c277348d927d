// Billing notices: the tenant's owners are emailed once per period and meter when usage reaches
// 80 % and 100 % of the included units (the plan's or reserved capacity's). A row in
// usage_notices claims each notice, so several instances never send one twice.
import { prisma } from '../db';
import { portalLink, sendEmail } from '../email/mailer';
import { METER_LABELS, METERS } from './catalog';
import { tenantBilling } from './terms';
import { periodUsage } from './usage';

const formatCount = (n: bigint) => new Intl.NumberFormat('en-US').format(n);

export const NOTICE_PERCENTS = [80, 100] as const;

/** Checks every tenant with included units; returns the notices sent (or logged, without SMTP). */
export async function sendUsageNotices(now: Date = new Date()): Promise<number> {
  const tenants = await prisma().tenant.findMany({ where: { OR: [{ planId: { not: null } }, { reserved: { isNot: null } }] }, select: { id: true } });
  let sent = 0;
  for (const { id } of tenants) {
    const billing = await tenantBilling(id, now);
    const usage = await periodUsage(id, billing.period);
    for (const meter of METERS) {
      const included = billing.terms.included[meter];
      if (included <= 0n) continue;
      const reached = NOTICE_PERCENTS.filter((p) => usage[meter] * 100n >= included * BigInt(p)).at(-1);
      if (reached === undefined) continue;
      // The highest threshold reached claims the lower ones too: one email, not two, after a burst.
      const claimed = await prisma().usageNotice.createMany({
        data: NOTICE_PERCENTS.filter((p) => p <= reached).map((percent) => ({ tenantId: id, periodStart: billing.period.start, meter, percent })),
        skipDuplicates: true,
      });
      if (claimed.count === 0) continue;
      const owners = await prisma().membership.findMany({ where: { tenantId: id, role: 'owner' }, select: { user: { select: { email: true } } } });
      const label = METER_LABELS[meter];
      const link = portalLink('/dashboard/billing');
      for (const { user } of owners) {
        await sendEmail({
          to: user.email,
          subject: `${billing.tenant.name}: ${reached} % of this period's included ${label.unit} used`,
          text: `${billing.tenant.name} has used ${formatCount(usage[meter])} of the ${formatCount(included)} ${label.name} included this period (${reached} %).${
            reached >= 100 ? ' Further units are billed as overage.' : ''
          }\n\nThe period ends ${billing.period.end.toISOString().slice(0, 10)}. Usage, projected charges and plans:\n${link}\n`,
          link,
        });
      }
      sent++;
    }
  }
  return sent;
}
