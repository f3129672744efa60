import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';

/** A mail accounts wrote to its folder (`.eml` files, the embedded default). */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** The token of the first link in it, if any. */
  token: string | null;
}

function tokenAfter(text: string, path: string): string | null {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}\\?token=([A-Za-z0-9_%-]+)`).exec(text);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

/** Every mail to `address`, oldest first. */
export async function mailsTo(folder: string, address: string): Promise<Mail[]> {
  if (!existsSync(folder)) return [];
  const mails: Mail[] = [];
  for (const file of readdirSync(folder).sort()) {
    const parsed = await simpleParser(readFileSync(join(folder, file)));
    const to = Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text;
    if (to !== address) continue;
    const text = parsed.text ?? '';
    mails.push({ to, subject: parsed.subject ?? '', text, token: tokenAfter(text, '') });
  }
  return mails;
}

/** The token of the newest mail to `address` whose link has `path` in it. */
export async function linkToken(
  folder: string,
  address: string,
  path: string,
): Promise<string | null> {
  let token: string | null = null;
  for (const mail of await mailsTo(folder, address)) token = tokenAfter(mail.text, path) ?? token;
  return token;
}
