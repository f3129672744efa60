import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/**
 * The scope dimension of the harness: which partner scope grants each kind of
 * data, kept apart from the schema's own directives so that a type or field
 * added without a rule shows up as a leak, and a type or field added without
 * a kind here fails the harness.
 *
 *   a scope   the data is the partner's only with that scope
 *   'none'    no partner scope grants it (staff, sessions, partner clients)
 *   'free'    carries no partner data of its own: pages, payloads, money,
 *             the viewer; what it leads to is judged by its own kind
 *   'fields'  kinds are given field by field in FIELD_KINDS
 */
export type Kind = string;
export const NO_SCOPE = 'none';
const FREE = 'free';
const BY_FIELD = 'fields';

export const TYPE_KINDS: Record<string, Kind> = {
  Query: FREE,
  Mutation: FREE,
  Subscription: FREE,
  Viewer: FREE,
  Money: FREE,
  PageInfo: FREE,
  InvoicePage: FREE,
  InvoicePageInfo: FREE,
  CustomerPage: FREE,
  SignInPayload: FREE,
  SignOutPayload: FREE,
  ChangePasswordPayload: FREE,
  RequestPasswordResetPayload: FREE,
  ResetPasswordPayload: FREE,
  ContactPayload: FREE,
  PartnerClientSecretPayload: FREE,
  RotatePartnerClientSecretPayload: FREE,
  RevokePartnerClientPayload: FREE,
  PartnerTokenPayload: FREE,
  InvoicePayload: FREE,
  PaymentPayload: FREE,
  RefundPayload: FREE,
  CreditNotePayload: FREE,
  ApplyCreditNotePayload: FREE,
  PayInvoicesPayload: FREE,
  PaymentFailure: FREE,
  CustomerPayload: FREE,
  OrganisationProfilePayload: FREE,
  StaffUserPayload: FREE,
  // The business's own issuer details, printed on every invoice: any signed-in principal reads them.
  OrganisationProfile: FREE,

  Customer: BY_FIELD,
  Contact: 'contacts:read',
  // An address is the kind of what leads to it: Customer.billingAddress (customers:read)
  // or OrganisationProfile.address (the business's own).
  PostalAddress: FREE,

  Invoice: 'invoices:read',
  InvoiceLine: 'invoices:read',
  CreditNote: 'invoices:read',
  CreditNoteLine: 'invoices:read',
  CreditApplication: 'invoices:read',
  Statement: 'invoices:read',
  StatementEntry: 'invoices:read',
  AgingBuckets: 'invoices:read',
  // The parties frozen on a document (invoice, credit note, quote) are the kind of
  // the document that leads to them: see the issuer/recipient fields below.
  DocumentParty: FREE,
  PartyAddress: FREE,
  CurrencyBalance: 'invoices:read',

  Quote: 'quotes:read',
  QuoteRevision: 'quotes:read',
  QuoteLine: 'quotes:read',
  QuoteDecision: 'quotes:read',
  QuoteChangeRequest: 'quotes:read',
  QuoteActor: 'quotes:read',
  QuoteLineChange: 'quotes:read',
  QuoteRevisionChanges: 'quotes:read',
  QuotePage: FREE,
  QuotePageInfo: FREE,
  QuotePayload: FREE,
  ConvertQuotePayload: FREE,

  Payment: 'payments:read',
  PaymentAllocation: 'payments:read',
  Refund: 'payments:read',

  PurchaseOrder: 'orders:read',
  OrderLine: 'orders:read',
  Shipment: 'orders:read',
  ShipmentLine: 'orders:read',
  OrderTimelineEntry: 'orders:read',
  OrderSubStatusLabel: 'orders:read',
  OrderChangeActor: 'orders:read',
  OrderChange: 'orders:read',
  PurchaseOrderPage: FREE,
  PurchaseOrderPageInfo: FREE,
  PurchaseOrderPayload: FREE,
  ShipmentPayload: FREE,
  OrderSubStatusPayload: FREE,
  // The business's definitions (staff); customers see an order's label and colour only.
  OrderSubStatus: NO_SCOPE,

  Document: 'documents:read',
  DocumentVersion: 'documents:read',
  DocumentUploader: 'documents:read',
  DocumentAcknowledgementInfo: 'documents:read',
  DocumentPage: FREE,
  DocumentPageInfo: FREE,
  DocumentPayload: FREE,
  AcknowledgeDocumentPayload: FREE,
  DocumentUploadPayload: FREE,
  // Upload links, who downloaded what, and a customer's quota: the business's side only.
  DocumentUploadTicket: NO_SCOPE,
  DocumentDownloadInfo: NO_SCOPE,
  CustomerDocumentSettingsInfo: NO_SCOPE,

  Thread: 'messages:read',
  Comment: 'messages:read',
  CommentEvent: 'messages:read',
  ThreadActivity: 'messages:read',
  ThreadPage: FREE,
  ThreadPageInfo: FREE,
  CommentPage: FREE,
  CommentPageInfo: FREE,
  CommentPayload: FREE,
  ThreadPayload: FREE,
  MarkThreadReadPayload: FREE,
  // A name only; a contact's name needs contacts:read as well (accounts decides).
  Author: FREE,
  // What a comment said before its author changed it: the business's side only.
  CommentRevision: NO_SCOPE,

  StaffUser: NO_SCOPE,
  PartnerClient: NO_SCOPE,
  Session: NO_SCOPE,
  AuditEntry: NO_SCOPE,
  AuditEntryPage: NO_SCOPE,
  AuditFieldChange: NO_SCOPE,
};

/** Customer is every subgraph's meeting point: its id is a reference, each field its own kind. */
export const FIELD_KINDS: Record<string, Kind> = {
  'Invoice.issuer': 'invoices:read',
  'Invoice.recipient': 'invoices:read',
  'CreditNote.issuer': 'invoices:read',
  'CreditNote.recipient': 'invoices:read',
  'Quote.issuer': 'quotes:read',
  'Quote.recipient': 'quotes:read',
  'QuoteRevision.issuer': 'quotes:read',
  'QuoteRevision.recipient': 'quotes:read',
  // Each record's documents are documents:read, whatever leads to them.
  'Customer.documents': 'documents:read',
  'Invoice.documents': 'documents:read',
  'Quote.documents': 'documents:read',
  'PurchaseOrder.documents': 'documents:read',
  // Each record's conversation is messages:read, whatever leads to it.
  'Customer.threads': 'messages:read',
  'Customer.conversation': 'messages:read',
  'Invoice.thread': 'messages:read',
  'Quote.thread': 'messages:read',
  'PurchaseOrder.thread': 'messages:read',
  'Document.thread': 'messages:read',
  // Staff-only parts of a thread and of a comment.
  'Thread.waitingSince': NO_SCOPE,
  'Thread.assignee': NO_SCOPE,
  'Comment.revisions': NO_SCOPE,
  // Staff-only parts of a document and of an acknowledgement.
  'Document.visibility': NO_SCOPE,
  'Document.firstOpenedByCustomerAt': NO_SCOPE,
  'DocumentAcknowledgementInfo.clientAddress': NO_SCOPE,
  'Customer.id': FREE,
  'Customer.companyName': 'customers:read',
  'Customer.displayName': 'customers:read',
  'Customer.email': 'customers:read',
  'Customer.currency': 'customers:read',
  'Customer.locale': 'customers:read',
  'Customer.portalEnabled': 'customers:read',
  'Customer.createdAt': 'customers:read',
  'Customer.billingAddress': 'customers:read',
  'Customer.taxId': 'customers:read',
  'Customer.archived': 'customers:read',
  'Customer.archivedAt': 'customers:read',
  'Customer.updatedAt': 'customers:read',
  // Staff notes: no partner scope grants them.
  'Customer.notes': NO_SCOPE,
  'Customer.contacts': 'contacts:read',
  'Customer.invoices': 'invoices:read',
  'Customer.quotes': 'quotes:read',
  'Customer.purchaseOrders': 'orders:read',
  'Customer.balance': 'invoices:read',
  'Customer.creditNotes': 'invoices:read',
  'Customer.statement': 'invoices:read',
  'Customer.statementDocumentUrl': 'invoices:read',
  'Customer.payments': 'payments:read',
  'Customer.lastPayment': 'payments:read',
};

/** Targets no partner reaches with data by construction, and why; their attempts still run. */
export const UNREACHABLE_FOR_PARTNERS: Record<string, string> = {
  'Viewer.contact': "a partner's viewer is no contact",
  // Null for the harness's customers (never archived, never changed by staff); the
  // same customers:read rule as their siblings guards them.
  'Customer.archivedAt': 'the harness archives no customer',
  'Customer.updatedAt': 'the harness changes no customer',
};

/** The partner's own objects (customer A), for the arguments a path needs. */
export interface OwnTargets {
  customerId: string;
  /** An issued invoice of A with payments and credit applied. */
  invoiceId: string;
  /** An open invoice of A that allows partial payment. */
  payableInvoiceId: string;
  /** A purchase order of A. */
  purchaseOrderId: string;
}

type Filler = (own: OwnTargets) => unknown;
const statementRange: Record<string, Filler> = {
  currency: () => 'GBP',
  from: () => new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10),
  to: () => new Date().toISOString().slice(0, 10),
};

/**
 * Values for required arguments, by `Type.field.argument`. A field whose
 * required argument has none here is not walked; a kind that then has no
 * path fails the harness.
 */
export const ARGUMENT_VALUES: Record<string, Filler> = {
  'Query.customer.id': (own) => own.customerId,
  'Query.invoice.id': (own) => own.invoiceId,
  'Query.purchaseOrder.id': (own) => own.purchaseOrderId,
  ...Object.fromEntries(
    Object.entries(statementRange).flatMap(([arg, fill]) => [
      [`Customer.statement.${arg}`, fill],
      [`Customer.statementDocumentUrl.${arg}`, fill],
    ]),
  ),
  // A partner with payments:write may pay; the control's attempts pay 1.00 each.
  'Mutation.payInvoices.input': (own) => ({
    invoices: [{ invoiceId: own.payableInvoiceId, amount: '1.00' }],
    paymentMethod: 'tok_visa',
    idempotencyKey: `scope-${randomUUID()}`,
  }),
};

interface Hop {
  parent: string;
  field: string;
  args: GraphQLArgument[];
}

export interface ScopePath {
  /** `Parent.field` whose data is judged, and its kind. */
  target: string;
  kind: Kind;
  hops: Hop[];
  operation: 'query' | 'mutation';
  /** The document and a builder of its variables. */
  text: string;
  variables(own: OwnTargets): Record<string, unknown>;
}

/** Types and fields the schema has but this registry does not classify. */
export function unclassified(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const kind = TYPE_KINDS[type.name];
    if (kind === undefined) missing.push(type.name);
    if (kind === BY_FIELD) {
      for (const field of Object.keys(type.getFields())) {
        if (FIELD_KINDS[`${type.name}.${field}`] === undefined) {
          missing.push(`${type.name}.${field}`);
        }
      }
    }
  }
  return missing;
}

/** The kind of data `parent.field` gives: the field's own, else the kind of the type it returns. */
function kindOf(parent: GraphQLObjectType, field: string): Kind {
  const byField = FIELD_KINDS[`${parent.name}.${field}`];
  if (byField !== undefined) return byField;
  const returned = getNamedType(parent.getFields()[field]!.type);
  const kind = isObjectType(returned) ? TYPE_KINDS[returned.name] : undefined;
  return kind === undefined || kind === BY_FIELD ? FREE : kind;
}

const argumentsOf = (parent: GraphQLObjectType, field: string) => parent.getFields()[field]!.args;

const fillable = (parent: GraphQLObjectType, field: string) =>
  argumentsOf(parent, field).every(
    (arg) =>
      !isNonNullType(arg.type) ||
      arg.defaultValue !== undefined ||
      ARGUMENT_VALUES[`${parent.name}.${field}.${arg.name}`],
  );

/** What to read of a type: its id, else its plain fields, else one nested object's. */
function leafSelection(type: GraphQLObjectType): string {
  const fields = Object.values(type.getFields()).filter((f) =>
    f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined),
  );
  if (fields.some((f) => f.name === 'id')) return 'id';
  const leaves = fields.filter((f) => isLeafType(getNamedType(f.type))).map((f) => f.name);
  if (leaves.length > 0) return leaves.join(' ');
  const nested = fields.find((f) => isObjectType(getNamedType(f.type)))!;
  return `${nested.name} { ${leafSelection(getNamedType(nested.type) as GraphQLObjectType)} }`;
}

/**
 * Every path into partner data the schema offers: for each field whose
 * kind is a scope or 'none', the shortest way to it from each root field
 * that can reach its parent.
 */
export function scopePaths(schema: GraphQLSchema): ScopePath[] {
  const paths: ScopePath[] = [];
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;
  for (const [operation, root] of roots) {
    if (!root) continue;
    for (const rootField of Object.keys(root.getFields())) {
      if (!fillable(root, rootField)) continue;
      const start: Hop = { parent: root.name, field: rootField, args: argsOf(root, rootField) };
      // Breadth first from the root field: the shortest hops to each type.
      const shortest = new Map<string, Hop[]>();
      const first = getNamedType(root.getFields()[rootField]!.type);
      const queue: Array<[GraphQLObjectType, Hop[]]> = [];
      if (isObjectType(first)) {
        shortest.set(first.name, [start]);
        queue.push([first, [start]]);
      }
      judge(paths, operation, root, rootField, [start]);
      while (queue.length > 0) {
        const [type, hops] = queue.shift()!;
        for (const field of Object.keys(type.getFields())) {
          if (!fillable(type, field)) continue;
          const hop: Hop = { parent: type.name, field, args: argsOf(type, field) };
          judge(paths, operation, type, field, [...hops, hop]);
          const next = getNamedType(type.getFields()[field]!.type);
          if (isObjectType(next) && !shortest.has(next.name)) {
            shortest.set(next.name, [...hops, hop]);
            queue.push([next, [...hops, hop]]);
          }
        }
      }
    }
  }
  return paths;

  function judge(
    into: ScopePath[],
    operation: 'query' | 'mutation',
    parent: GraphQLObjectType,
    field: string,
    hops: Hop[],
  ) {
    const kind = kindOf(parent, field);
    if (kind === FREE) return;
    const target = `${parent.name}.${field}`;
    // One path per target and root field: the first (shortest) found.
    if (into.some((p) => p.target === target && p.hops[0]!.field === hops[0]!.field)) return;
    into.push(build(schema, operation, target, kind, hops));
  }
}

function argsOf(parent: GraphQLObjectType, field: string): GraphQLArgument[] {
  return argumentsOf(parent, field).filter(
    (arg) => ARGUMENT_VALUES[`${parent.name}.${field}.${arg.name}`],
  );
}

function build(
  schema: GraphQLSchema,
  operation: 'query' | 'mutation',
  target: string,
  kind: Kind,
  hops: Hop[],
): ScopePath {
  const declarations: string[] = [];
  const fillers: Array<[string, Filler]> = [];
  const last = hops[hops.length - 1]!;
  const lastType = getNamedType(
    (schema.getType(last.parent) as GraphQLObjectType).getFields()[last.field]!.type,
  );
  let selection = isObjectType(lastType) ? `{ ${leafSelection(lastType)} }` : '';
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hops[i]!;
    const args = hop.args.map((arg) => {
      const variable = `v${fillers.length}`;
      declarations.push(`$${variable}: ${String(arg.type)}`);
      fillers.push([variable, ARGUMENT_VALUES[`${hop.parent}.${hop.field}.${arg.name}`]!]);
      return `${arg.name}: $${variable}`;
    });
    selection = `${hop.field}${args.length ? `(${args.join(', ')})` : ''} ${selection}`.trim();
    if (i > 0) selection = `{ ${selection} }`;
  }
  const header = declarations.length ? `(${declarations.join(', ')})` : '';
  return {
    target,
    kind,
    hops,
    operation,
    text: `${operation} ScopeAttempt${header} { ${selection} }`,
    variables: (own) => Object.fromEntries(fillers.map(([name, fill]) => [name, fill(own)])),
  };
}

/** Whether the answer holds data at the path's end (any element of any list on the way). */
export function reached(data: unknown, path: ScopePath): boolean {
  let values: unknown[] = [data];
  for (const hop of path.hops) {
    values = values
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .map((v) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[hop.field] : null))
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .filter((v) => v !== null && v !== undefined);
  }
  return values.length > 0;
}
