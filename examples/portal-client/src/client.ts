import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { DashboardDocument, SignInDocument, type DashboardQuery } from './gql/graphql';

/** A refusal or error from the graph, with its stable code (`extensions.code`). */
export class PortalError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'PortalError';
  }
}

/**
 * The smallest typed client for Portico's graph: each operation's variables
 * and result are the types generated from schema/api.graphql, so a field the
 * schema does not have, or a wrong variable, is a compile error.
 */
export class PortalClient {
  private accessToken: string | undefined;

  constructor(private readonly url: string) {}

  async request<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
  ): Promise<Result> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json;q=0.9',
        ...(this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : {}),
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await response.json()) as {
      data?: Result | null;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    const [error] = body.errors ?? [];
    if (error || !body.data) {
      throw new PortalError(
        error?.message ?? `no data (HTTP ${response.status})`,
        error?.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
        response.headers.get('x-request-id'),
      );
    }
    return body.data;
  }

  /** Signs a customer contact in; later requests carry the access token. */
  async signIn(email: string, password: string): Promise<void> {
    const { signIn } = await this.request(SignInDocument, { input: { email, password } });
    this.accessToken = signIn.accessToken;
  }

  dashboard(): Promise<DashboardQuery> {
    return this.request(DashboardDocument, {});
  }
}
