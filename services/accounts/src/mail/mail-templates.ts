/** Mail texts in the customer's language (English and Spanish; English otherwise). */
type Language = 'en' | 'es';

function languageOf(locale: string | undefined): Language {
  return locale?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

export function invitationMail(input: {
  locale?: string;
  portalName: string;
  contactName: string;
  companyName: string;
  link: string;
  validDays: number;
}): { subject: string; text: string } {
  if (languageOf(input.locale) === 'es') {
    return {
      subject: `Invitación al portal de clientes ${input.portalName}`,
      text: [
        `Hola, ${input.contactName}:`,
        '',
        `Le invitamos a usar el portal de clientes ${input.portalName} en nombre de ${input.companyName}.`,
        'Para activar su acceso, elija una contraseña en este enlace:',
        '',
        input.link,
        '',
        `El enlace sirve una sola vez y caduca en ${input.validDays} días.`,
      ].join('\n'),
    };
  }
  return {
    subject: `Your invitation to the ${input.portalName} customer portal`,
    text: [
      `Hello ${input.contactName},`,
      '',
      `You have been invited to the ${input.portalName} customer portal for ${input.companyName}.`,
      'To activate your access, choose a password at this link:',
      '',
      input.link,
      '',
      `The link works once and expires in ${input.validDays} days.`,
    ].join('\n'),
  };
}

export function passwordResetMail(input: {
  locale?: string;
  portalName: string;
  contactName: string;
  link: string;
  validMinutes: number;
}): { subject: string; text: string } {
  if (languageOf(input.locale) === 'es') {
    return {
      subject: `Restablecer su contraseña de ${input.portalName}`,
      text: [
        `Hola, ${input.contactName}:`,
        '',
        'Hemos recibido una solicitud para restablecer su contraseña. Si fue usted, elija una nueva aquí:',
        '',
        input.link,
        '',
        `El enlace sirve una sola vez y caduca en ${input.validMinutes} minutos. Si no fue usted, ignore este mensaje.`,
      ].join('\n'),
    };
  }
  return {
    subject: `Reset your ${input.portalName} password`,
    text: [
      `Hello ${input.contactName},`,
      '',
      'We received a request to reset your password. If it was you, choose a new one here:',
      '',
      input.link,
      '',
      `The link works once and expires in ${input.validMinutes} minutes. If it was not you, ignore this message.`,
    ].join('\n'),
  };
}

export function staffInvitationMail(input: {
  locale?: string;
  portalName: string;
  staffName: string;
  organisationName: string;
  link: string;
  validDays: number;
}): { subject: string; text: string } {
  if (languageOf(input.locale) === 'es') {
    return {
      subject: `Invitación al equipo de ${input.organisationName} en ${input.portalName}`,
      text: [
        `Hola, ${input.staffName}:`,
        '',
        `Le invitamos a unirse al equipo de ${input.organisationName} en ${input.portalName}.`,
        'Para activar su cuenta, elija una contraseña en este enlace:',
        '',
        input.link,
        '',
        `El enlace sirve una sola vez y caduca en ${input.validDays} días.`,
      ].join('\n'),
    };
  }
  return {
    subject: `Join the ${input.organisationName} team on ${input.portalName}`,
    text: [
      `Hello ${input.staffName},`,
      '',
      `You have been invited to join the ${input.organisationName} team on ${input.portalName}.`,
      'To activate your account, choose a password at this link:',
      '',
      input.link,
      '',
      `The link works once and expires in ${input.validDays} days.`,
    ].join('\n'),
  };
}
