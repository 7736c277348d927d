// A real SMTP server for tests (smtp-server): every message delivered to it is kept, its text
// decoded from quoted-printable, so tests can read the emailed links and follow them.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** The http(s) links in the message's text. */
  links: string[];
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Listens on 127.0.0.1, on `port` (the e2e server's SP_SMTP_URL names one) or any free one. */
export async function startSmtpServer(port = 0): Promise<{ url: string; messages: ReceivedEmail[]; waitFor(to: string, count?: number): Promise<ReceivedEmail[]>; close(): Promise<void> }> {
  const messages: ReceivedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const split = raw.search(/\r?\n\r?\n/);
        const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
        const body = raw.slice(split).trim();
        const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
        const text = /quoted-printable/i.test(header('Content-Transfer-Encoding')) ? decodeQuotedPrintable(body) : body;
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: header('Subject'),
          text,
          links: text.match(/https?:\/\/\S+/g) ?? [],
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const listening = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${listening}`,
    messages,
    async waitFor(to, count = 1) {
      for (let i = 0; i < 200; i++) {
        const found = messages.filter((m) => m.to.includes(to));
        if (found.length >= count) return found;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no email to ${to}`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
