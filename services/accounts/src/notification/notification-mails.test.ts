import {
  businessReplyMail,
  cleanLabel,
  customerMessageMail,
  notificationMessageId,
  portalLink,
} from './notification-mails';

describe('notification mails', () => {
  it('keeps a label from another service to one line of bounded length', () => {
    expect(cleanLabel('Price list\r\nBcc: someone@example.test')).toBe(
      'Price list Bcc: someone@example.test',
    );
    expect(cleanLabel('  \u0007 ')).toBeNull();
    const long = cleanLabel('x'.repeat(500))!;
    expect(long).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
  });

  it('writes Spanish for es-* locales and English for anything else', () => {
    const input = {
      organisationName: 'Northwind',
      contactName: 'Ana',
      subject: { kind: 'general' as const, label: null },
      link: 'https://portal.example/threads/t1',
    };
    expect(businessReplyMail({ ...input, locale: 'es-MX' }).subject).toBe(
      'Northwind le ha respondido',
    );
    expect(businessReplyMail({ ...input, locale: 'fr' }).subject).toBe('Northwind replied to you');
    expect(businessReplyMail({ ...input, locale: undefined }).subject).toBe(
      'Northwind replied to you',
    );
  });

  it('names what a message is about even without its label', () => {
    const mail = customerMessageMail({
      locale: 'es',
      staffName: 'Sam',
      contactName: 'Ana',
      companyName: 'Acme',
      subject: { kind: 'invoice', label: null },
      link: 'https://portal.example/staff/threads/t1',
      assigned: false,
    });
    expect(mail.subject).toBe('Nuevo mensaje de Acme sobre una factura');
  });

  it('gives one event and one recipient the same Message-ID every time, and another recipient another', () => {
    const a = notificationMessageId('6f1c0a4e-0000-4000-8000-000000000001', 'contact:c1');
    expect(a).toBe(notificationMessageId('6f1c0a4e-0000-4000-8000-000000000001', 'contact:c1'));
    expect(a).toMatch(/^<6f1c0a4e-0000-4000-8000-000000000001\.[0-9a-f]{24}@portico>$/);
    expect(notificationMessageId('6f1c0a4e-0000-4000-8000-000000000001', 'contact:c2')).not.toBe(a);
    // An id that could break the header is hashed.
    expect(notificationMessageId('a b>\r\n', 'contact:c1')).toMatch(
      /^<[0-9a-f]{32}\.[0-9a-f]{24}@portico>$/,
    );
  });

  it('builds portal links with escaped segments and no doubled slash', () => {
    expect(portalLink('https://portal.example/app/', 'threads', 'a/b?c')).toBe(
      'https://portal.example/app/threads/a%2Fb%3Fc',
    );
  });
});
