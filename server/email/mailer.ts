// Outgoing email: SMTP through nodemailer when SP_SMTP_URL is set (smtp://, smtps://, with
// credentials in the URL), from SP_EMAIL_FROM. Without SMTP nothing is sent: the message's link
// is written to the server log (warn, so it shows at the default levels) and the caller may show it.
import nodemailer, { type Transporter } from 'nodemailer';
import { loadConfig } from '../config';
import { logger } from '../telemetry/logger';

export interface Email {
  to: string;
  subject: string;
  text: string;
  /** The one link the message is about (an invitation, a password reset, the billing page). */
  link: string;
}

export type Delivery = { delivered: true } | { delivered: false; reason: 'not_configured' | 'failed' };

let transport: { url: string; transporter: Transporter } | null = null;

function transporterFor(url: string): Transporter {
  if (transport?.url !== url) transport = { url, transporter: nodemailer.createTransport(url) };
  return transport.transporter;
}

/** Sends, or logs when SMTP is not configured; a failed send is logged and reported, never thrown. */
export async function sendEmail(email: Email): Promise<Delivery> {
  const { email: config, publicUrl } = loadConfig();
  if (!config.smtpUrl) {
    logger.warn({ to: email.to, subject: email.subject, link: email.link }, 'email not sent (SP_SMTP_URL is not set); its link');
    return { delivered: false, reason: 'not_configured' };
  }
  const from = config.from ?? `Signet <no-reply@${new URL(publicUrl).hostname}>`;
  try {
    await transporterFor(config.smtpUrl).sendMail({ from, to: email.to, subject: email.subject, text: email.text });
    return { delivered: true };
  } catch (err) {
    logger.error({ err, to: email.to, subject: email.subject, link: email.link }, 'email could not be sent; its link');
    return { delivered: false, reason: 'failed' };
  }
}

/** An absolute link into the portal. */
export function portalLink(path: string): string {
  return `${loadConfig().publicUrl.replace(/\/$/, '')}${path}`;
}
