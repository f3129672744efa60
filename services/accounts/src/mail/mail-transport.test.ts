import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { FolderMailTransport, SmtpMailTransport } from './mail-transport';

const message = {
  to: 'lucia@globex.example',
  subject: 'Invitación al portal de clientes Portico',
  text: 'Hola, Lucía:\n\nhttps://portal.example/accept-invitation?token=inv_abc',
};

describe('mail transports', () => {
  it('writes an RFC 822 message per mail into the folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'portico-mail-'));
    const transport = new FolderMailTransport(folder, 'Portico <no-reply@portico.invalid>');
    try {
      await transport.send(message);
      const files = readdirSync(folder);
      expect(files).toHaveLength(1);
      const parsed = await simpleParser(readFileSync(join(folder, files[0]!)));
      expect(parsed.subject).toBe(message.subject);
      expect(parsed.text?.trim()).toBe(message.text);
      expect(parsed.from?.value[0]).toMatchObject({
        name: 'Portico',
        address: 'no-reply@portico.invalid',
      });
    } finally {
      transport.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('delivers through a real SMTP server', async () => {
    const received: Array<{ from: string; to: string[]; raw: Buffer }> = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as { port: number }).port;
    const transport = new SmtpMailTransport(
      `smtp://127.0.0.1:${port}?ignoreTLS=true`,
      'Portico <no-reply@portico.invalid>',
    );
    try {
      await transport.send(message);
      expect(received).toHaveLength(1);
      expect(received[0]!.from).toBe('no-reply@portico.invalid');
      expect(received[0]!.to).toEqual(['lucia@globex.example']);
      const parsed = await simpleParser(received[0]!.raw);
      expect(parsed.subject).toBe(message.subject);
      expect(parsed.text?.trim()).toBe(message.text);
    } finally {
      transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
