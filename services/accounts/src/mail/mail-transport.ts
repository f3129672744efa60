import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** `<id@host>`; the mail library makes a random one when absent. */
  messageId?: string;
  headers?: Record<string, string>;
}

/** Where outgoing mail goes: a folder in the embedded default, SMTP in production. */
export interface MailTransport {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * Writes each message as an RFC 822 `.eml` file, built by the same mail
 * library that speaks SMTP in production, so what lands in the folder is
 * what would have been sent.
 */
export class FolderMailTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(
    private readonly folder: string,
    private readonly from: string,
  ) {
    this.transporter = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(message: MailMessage): Promise<void> {
    const info = (await this.transporter.sendMail({ from: this.from, ...message })) as {
      message: Buffer;
    };
    mkdirSync(this.folder, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
    writeFileSync(join(this.folder, name), info.message, { mode: 0o600 });
  }

  close(): void {
    this.transporter.close();
  }
}

export class SmtpMailTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transporter = createTransport(url);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transporter.sendMail({ from: this.from, ...message });
  }

  close(): void {
    this.transporter.close();
  }
}

export type MailConfig =
  | { transport: 'folder'; folder: string; from: string }
  | { transport: 'smtp'; url: string; from: string };

export function createMailTransport(config: MailConfig): MailTransport {
  return config.transport === 'smtp'
    ? new SmtpMailTransport(config.url, config.from)
    : new FolderMailTransport(config.folder, config.from);
}
