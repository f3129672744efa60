import { createHash } from 'node:crypto';
import type { SubjectKind } from './notification-events';

/**
 * Notification texts in the recipient's language (English and Spanish;
 * English otherwise). They say what happened and link to the portal; they
 * never carry what anyone wrote, so a mail read on a shared screen or
 * forwarded leaks no conversation.
 */
type Language = 'en' | 'es';

function languageOf(locale: string | undefined): Language {
  return locale?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

export interface Mail {
  subject: string;
  text: string;
}

export interface MailSubject {
  kind: SubjectKind;
  /** The record's number or the document's title. */
  label: string | null;
}

/**
 * A label from another service's event, made safe for a subject line:
 * control characters and runs of white space become one space, and it is
 * cut to a length a subject can carry.
 */
export function cleanLabel(label: string | null, max = 120): string | null {
  if (label === null) return null;
  // eslint-disable-next-line no-control-regex
  const clean = label.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
  if (!clean) return null;
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** "invoice INV-2026-00001", "la factura INV-2026-00001", or null for the general conversation. */
function aboutPhrase(subject: MailSubject, language: Language): string | null {
  const label = cleanLabel(subject.label);
  if (language === 'es') {
    switch (subject.kind) {
      case 'invoice':
        return label ? `la factura ${label}` : 'una factura';
      case 'quote':
        return label ? `el presupuesto ${label}` : 'un presupuesto';
      case 'purchase_order':
        return label ? `el pedido ${label}` : 'un pedido';
      case 'document':
        return label ? `el documento «${label}»` : 'un documento';
      default:
        return null;
    }
  }
  switch (subject.kind) {
    case 'invoice':
      return label ? `invoice ${label}` : 'an invoice';
    case 'quote':
      return label ? `quote ${label}` : 'a quote';
    case 'purchase_order':
      return label ? `order ${label}` : 'an order';
    case 'document':
      return label ? `document "${label}"` : 'a document';
    default:
      return null;
  }
}

/** To a contact: the business replied in one of the customer's conversations. */
export function businessReplyMail(input: {
  locale?: string;
  organisationName: string;
  contactName: string;
  subject: MailSubject;
  link: string;
}): Mail {
  const language = languageOf(input.locale);
  const about = aboutPhrase(input.subject, language);
  const org = cleanLabel(input.organisationName) ?? '';
  if (language === 'es') {
    return {
      subject: about ? `${org} le ha respondido sobre ${about}` : `${org} le ha respondido`,
      text: [
        `Hola, ${input.contactName}:`,
        '',
        about
          ? `${org} le ha respondido sobre ${about}. Puede leer la respuesta en el portal de clientes:`
          : `${org} le ha respondido en su conversación. Puede leer la respuesta en el portal de clientes:`,
        '',
        input.link,
        '',
        'Recibe este aviso porque tiene activadas las notificaciones por correo; puede desactivarlas en el portal.',
      ].join('\n'),
    };
  }
  return {
    subject: about ? `${org} replied about ${about}` : `${org} replied to you`,
    text: [
      `Hello ${input.contactName},`,
      '',
      about
        ? `${org} has replied about ${about}. Read the reply in the customer portal:`
        : `${org} has replied in your conversation. Read the reply in the customer portal:`,
      '',
      input.link,
      '',
      'You receive this notice because email notifications are on for you; you can turn them off in the portal.',
    ].join('\n'),
  };
}

/** To a contact: the business shared a document with the customer. */
export function documentSharedMail(input: {
  locale?: string;
  organisationName: string;
  contactName: string;
  companyName: string;
  title: string;
  link: string;
}): Mail {
  const title = cleanLabel(input.title) ?? '';
  const org = cleanLabel(input.organisationName) ?? '';
  if (languageOf(input.locale) === 'es') {
    return {
      subject: `${org} ha compartido un documento: ${title}`,
      text: [
        `Hola, ${input.contactName}:`,
        '',
        // The company's name may end in a full stop (S.L.), so it does not end the sentence.
        `${org} ha compartido un documento con ${input.companyName}: «${title}». Puede abrirlo en el portal de clientes:`,
        '',
        input.link,
        '',
        'Recibe este aviso porque tiene activadas las notificaciones por correo; puede desactivarlas en el portal.',
      ].join('\n'),
    };
  }
  return {
    subject: `${org} shared a document with you: ${title}`,
    text: [
      `Hello ${input.contactName},`,
      '',
      `${org} has shared a document with ${input.companyName}: "${title}". Open it in the customer portal:`,
      '',
      input.link,
      '',
      'You receive this notice because email notifications are on for you; you can turn them off in the portal.',
    ].join('\n'),
  };
}

/** To staff: a contact wrote in one of its customer's conversations. */
export function customerMessageMail(input: {
  locale?: string;
  staffName: string;
  contactName: string;
  companyName: string;
  subject: MailSubject;
  link: string;
  /** The conversation is assigned to this staff member (otherwise it went to the support team). */
  assigned: boolean;
}): Mail {
  const language = languageOf(input.locale);
  const about = aboutPhrase(input.subject, language);
  const company = cleanLabel(input.companyName) ?? '';
  if (language === 'es') {
    return {
      subject: about ? `Nuevo mensaje de ${company} sobre ${about}` : `Nuevo mensaje de ${company}`,
      text: [
        `Hola, ${input.staffName}:`,
        '',
        about
          ? `${input.contactName} (${company}) ha escrito sobre ${about}. Puede responder en el portal:`
          : `${input.contactName} (${company}) ha escrito en su conversación con el equipo. Puede responder en el portal:`,
        '',
        input.link,
        '',
        input.assigned
          ? 'Recibe este aviso porque la conversación le está asignada.'
          : 'Recibe este aviso porque la conversación no tiene a nadie asignado y usted atiende a los clientes.',
      ].join('\n'),
    };
  }
  return {
    subject: about ? `New message from ${company} about ${about}` : `New message from ${company}`,
    text: [
      `Hello ${input.staffName},`,
      '',
      about
        ? `${input.contactName} (${company}) wrote about ${about}. Reply in the portal:`
        : `${input.contactName} (${company}) wrote in their conversation with the team. Reply in the portal:`,
      '',
      input.link,
      '',
      input.assigned
        ? 'You receive this notice because the conversation is assigned to you.'
        : 'You receive this notice because nobody is assigned to the conversation and you look after customers.',
    ].join('\n'),
  };
}

/**
 * The Message-ID of the mail for one event and one recipient, the same
 * every time it is computed: a mail that had to be sent again (the process
 * died between sending and recording it) is recognisably the same message.
 * The recipient appears only as a hash.
 */
export function notificationMessageId(eventId: string, recipient: string): string {
  const hash = createHash('sha256').update(recipient).digest('hex').slice(0, 24);
  const id = /^[A-Za-z0-9._-]{1,64}$/.test(eventId)
    ? eventId
    : createHash('sha256').update(eventId).digest('hex').slice(0, 32);
  return `<${id}.${hash}@portico>`;
}

/** A portal link: the base URL (no trailing slash) and path segments, each escaped. */
export function portalLink(portalUrl: string, ...segments: string[]): string {
  return [portalUrl.replace(/\/+$/, ''), ...segments.map((s) => encodeURIComponent(s))].join('/');
}
