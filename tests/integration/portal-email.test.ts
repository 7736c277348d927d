// Email through a real SMTP server started here: an invitation, a password reset from "Forgot
// password?", and the 80 % / 100 % usage notices; the emailed links are followed. Without SMTP
// the links go to the server log instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendUsageNotices } from '@/server/billing/usage-notices';
import { sendEmail } from '@/server/email/mailer';
import { createUser } from '@/server/tenants/accounts';
import { verifyPassword } from '@/server/tenants/passwords';
import { loadPrincipal } from '@/server/tenants/principal';
import { createCallerFactory } from '@/trpc/init';
import { appRouter } from '@/trpc/root';
import { startTestApi, type TestApi } from '../support/api';
import { startSmtpServer } from '../support/smtp';

const createCaller = createCallerFactory(appRouter);
const anonymous = createCaller({ principal: null, ip: '198.51.100.4', requestedTenantId: null });
let api: TestApi;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let owner: ReturnType<typeof createCaller>;
let key: string;

const financeDemo = {
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-1","amount":10,"currency":"USD"}' } }] },
};

beforeAll(async () => {
  smtp = await startSmtpServer();
  process.env.SP_SMTP_URL = smtp.url;
  process.env.SP_EMAIL_FROM = 'Signet <signet@mail.test>';
  process.env.SP_PUBLIC_URL = 'https://signet.example';
  api = await startTestApi();
  key = await api.tenantWithKey('acme');
  await api.db.prisma.tenant.update({ where: { id: 'acme' }, data: { name: 'Acme Robotics' } });
  const user = await createUser({ email: 'owner@acme.test', password: 'the-first-password', name: 'Olive' });
  await api.db.prisma.membership.create({ data: { userId: user.id, tenantId: 'acme', role: 'owner' } });
  owner = createCaller({ principal: (await loadPrincipal(user.id))!, ip: '198.51.100.5', requestedTenantId: null });
}, 120_000);

afterAll(async () => {
  delete process.env.SP_SMTP_URL;
  delete process.env.SP_EMAIL_FROM;
  delete process.env.SP_PUBLIC_URL;
  await api?.close();
  await smtp?.close();
});

describe('email over SMTP', () => {
  it('emails an invitation whose link lets the invitee join', async () => {
    const added = await owner.team.add({ email: 'new.member@acme.test', role: 'member' });
    expect(added).toMatchObject({ kind: 'invited', emailed: true });
    const [mail] = await smtp.waitFor('new.member@acme.test');
    expect(mail!.from).toBe('signet@mail.test');
    expect(mail!.subject).toBe('owner@acme.test invited you to Acme Robotics on Signet');
    const link = mail!.links.find((l) => l.includes('/invite/'))!;
    expect(link).toMatch(/^https:\/\/signet\.example\/invite\/[A-Za-z0-9_-]{40,}$/);
    const token = new URL(link).pathname.split('/').at(-1)!;
    expect(await anonymous.team.acceptAsNewUser({ token, name: 'Nia', password: 'a-long-password' })).toEqual({ email: 'new.member@acme.test' });
    expect(await api.db.prisma.membership.count({ where: { tenantId: 'acme', user: { email: 'new.member@acme.test' } } })).toBe(1);
  });

  it('emails a password-reset link that works once; an unknown address gets the same answer and no email', async () => {
    expect(await anonymous.account.requestPasswordReset({ email: 'nobody@acme.test' })).toEqual({ requested: true });
    expect(await anonymous.account.requestPasswordReset({ email: 'Owner@Acme.test' })).toEqual({ requested: true });
    const [mail] = await smtp.waitFor('owner@acme.test');
    expect(mail!.subject).toBe('Reset your Signet password');
    const link = mail!.links.find((l) => l.includes('/reset-password/'))!;
    const token = new URL(link).pathname.split('/').at(-1)!;
    expect(await anonymous.account.resetPassword({ token, password: 'the-second-password' })).toEqual({ email: 'owner@acme.test' });
    const user = await api.db.prisma.user.findUniqueOrThrow({ where: { email: 'owner@acme.test' } });
    expect(await verifyPassword(user.passwordHash, 'the-second-password')).toBe(true);
    await expect(anonymous.account.resetPassword({ token, password: 'a-third-password' })).rejects.toThrow('expired or was already used');
    expect(smtp.messages.filter((m) => m.to.includes('nobody@acme.test'))).toEqual([]);
  });

  it('emails the owners once at 80 % and once at 100 % of the included units', async () => {
    // Starter includes 10,000 VEx; ledger rows stand in for 7,999 earlier exchanges.
    const receipt = await api.exchange(key, financeDemo);
    expect(receipt.status).toBe(200);
    const hash = ((await receipt.json()) as { receipt: { receipt_hash: string } }).receipt.receipt_hash;
    const base = await api.db.prisma.usageEvent.findFirstOrThrow({ where: { receiptHash: hash } });
    let n = 0;
    const addUnits = (units: number) =>
      api.db.prisma.usageEvent.create({ data: { tenantId: 'acme', meter: 'vex', units: BigInt(units), receiptHash: `${hash}-bulk-${++n}`, occurredAt: base.occurredAt } });
    await addUnits(7_998);
    expect(await sendUsageNotices()).toBe(0);
    await addUnits(1);
    expect(await sendUsageNotices()).toBe(1);
    expect(await sendUsageNotices()).toBe(0);
    const [notice] = await smtp.waitFor('owner@acme.test', 2).then((all) => all.filter((m) => m.subject.includes('%')));
    expect(notice!.subject).toBe("Acme Robotics: 80 % of this period's included VEx used");
    expect(notice!.text).toContain('8,000 of the 10,000 Verified Exchanges (VEx) included');
    expect(notice!.links).toContain('https://signet.example/dashboard/billing');
    await addUnits(2_000);
    expect(await sendUsageNotices()).toBe(1);
    const all = (await smtp.waitFor('owner@acme.test', 3)).filter((m) => m.subject.includes('%'));
    expect(all.map((m) => m.subject)).toEqual(["Acme Robotics: 80 % of this period's included VEx used", "Acme Robotics: 100 % of this period's included VEx used"]);
    expect(all[1]!.text).toContain('Further units are billed as overage.');
  });

  it('without SMTP nothing is sent and the link is reported as not delivered', async () => {
    delete process.env.SP_SMTP_URL;
    try {
      const before = smtp.messages.length;
      expect(await sendEmail({ to: 'x@acme.test', subject: 's', text: 't', link: 'https://signet.example/x' })).toEqual({ delivered: false, reason: 'not_configured' });
      const invited = await owner.team.add({ email: 'second@acme.test', role: 'member' });
      expect(invited).toMatchObject({ kind: 'invited', emailed: false });
      expect(smtp.messages.length).toBe(before);
    } finally {
      process.env.SP_SMTP_URL = smtp.url;
    }
  });
});
