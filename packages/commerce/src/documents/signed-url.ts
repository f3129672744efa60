import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a link serves, e.g. `invoice.pdf`: the file's name on the issuing service's route. */
export type DocumentKind = string;

export interface DocumentGrant {
  kind: DocumentKind;
  /** The customer whose document this is: the file is served only if it still belongs to them. */
  customerId: string;
  params: Record<string, string>;
  /** Epoch seconds. */
  exp: number;
}

/**
 * Short-lived signed download links. The grant names the document and the
 * customer it was issued for; the link works until `exp` and only for that
 * customer's document, checked again when the file is served.
 */
export class DocumentSigner {
  constructor(
    private readonly secret: string,
    private readonly publicBaseUrl: string,
    private readonly ttlSeconds: number,
    /** The subgraph that serves the files: links read `/files/<service>/<kind>` on the gateway. */
    private readonly service: string,
    /**
     * Secrets whose links are still served during a rotation: a link signed by
     * a replica already on the new secret may be served by one still on the old.
     */
    private readonly acceptedSecrets: readonly string[] = [],
  ) {}

  private sign(token: string, secret: string = this.secret): string {
    return createHmac('sha256', secret).update(`portico-documents.${token}`).digest('base64url');
  }

  private signedByAny(token: string, signature: string): boolean {
    const given = Buffer.from(signature);
    let matched = false;
    for (const secret of [this.secret, ...this.acceptedSecrets]) {
      const expected = Buffer.from(this.sign(token, secret));
      if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
    }
    return matched;
  }

  url(grant: Omit<DocumentGrant, 'exp'>, now: number = Date.now()): string {
    const full: DocumentGrant = { ...grant, exp: Math.floor(now / 1000) + this.ttlSeconds };
    const token = Buffer.from(JSON.stringify(full)).toString('base64url');
    const base = this.publicBaseUrl.replace(/\/$/, '');
    return `${base}/files/${this.service}/${grant.kind}?t=${token}&s=${this.sign(token)}`;
  }

  /** The grant for a served request, or null when forged, altered or expired. */
  verify(
    kind: string,
    token: string | null,
    signature: string | null,
    now: number = Date.now(),
  ): DocumentGrant | null {
    if (!token || !signature || !this.signedByAny(token, signature)) return null;
    try {
      const grant = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DocumentGrant;
      if (
        grant.kind !== kind ||
        typeof grant.exp !== 'number' ||
        grant.exp < Math.floor(now / 1000)
      )
        return null;
      if (typeof grant.customerId !== 'string' || typeof grant.params !== 'object' || !grant.params)
        return null;
      return grant;
    } catch {
      return null;
    }
  }
}
