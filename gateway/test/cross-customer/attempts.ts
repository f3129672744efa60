/**
 * The cross-customer attempt registry: for every root field of the composed
 * supergraph, how a customer contact (of customer A), a partner limited to
 * customer A, or the anonymous tries to reach another customer's objects or a
 * staff-only operation. Every new root field needs an entry here, or the
 * harness fails.
 */
export type Actor = 'contact' | 'partner' | 'anonymous';

/** Objects that belong to someone else: customer B, staff, another partner client. */
export interface ForeignTargets {
  customerId: string;
  contactId: string;
  contactEmail: string;
  staffEmail: string;
  staffUserId: string;
  partnerClientId: string;
  /** Customer B's issued invoice, draft, payment and credit note. */
  invoiceId: string;
  draftInvoiceId: string;
  paymentId: string;
  creditNoteId: string;
  /** Customer B's sent (undecided) quote and its draft quote. */
  quoteId: string;
  draftQuoteId: string;
  /** An open invoice of customer A, the attacker's own, and A's id. */
  ownInvoiceId: string;
  ownCustomerId: string;
  /** Customer B's purchase order (shipped in part), one of its lines and its shipment. */
  purchaseOrderId: string;
  orderLineId: string;
  shipmentId: string;
  /** A sub-status the business defined (staff data). */
  subStatusId: string;
  /** Customer B's documents shared with it: its price list and its contract (to acknowledge, version 2). */
  documentId: string;
  contractDocumentId: string;
  /** Customer B's internal document (staff only), and customer A's own internal document. */
  internalDocumentId: string;
  ownInternalDocumentId: string;
  /** A document customer A's side sent the business (a contact may add versions to it). */
  ownSentDocumentId: string;
  /** Customer B's general conversation and its invoice's thread, and a message in the first. */
  threadId: string;
  invoiceThreadId: string;
  commentId: string;
  /** Customer A's own general conversation and a staff internal note in it (staff only). */
  ownThreadId: string;
  ownNoteId: string;
}

export interface Attempt {
  as: Actor;
  /** What is being tried, for the report. */
  label: string;
  query: string;
  variables?: (foreign: ForeignTargets) => Record<string, unknown>;
  /**
   * The actor may call this field (e.g. `viewer`); only foreign data in the
   * answer counts as a leak. Otherwise any non-null data for it is a leak.
   */
  permitted?: boolean;
}

const byId = (query: string) => (f: ForeignTargets) => ({ id: f.customerId, query });

const contactTarget = (f: ForeignTargets) => ({ id: f.contactId });

const invoiceTarget = (f: ForeignTargets) => ({ id: f.invoiceId });
const INVOICE_FIELDS =
  'id number status total { amount } balanceDue { amount } lines { description } customer { id }';

const orderTarget = (f: ForeignTargets) => ({ id: f.purchaseOrderId });
const ORDER_FIELDS =
  'id number customerReference status subStatus { label } lines { description quantity } shipments { trackingNumber lines { quantity } } timeline { kind by { kind } } customer { id }';

/** Staff operations on purchase orders: each tried by a contact and a partner of customer A. */
function staffOrderAttempts(
  label: string,
  query: string,
  variables: (f: ForeignTargets) => Record<string, unknown>,
): Attempt[] {
  return (['contact', 'partner'] as const).map((as) => ({ as, label, query, variables }));
}

const quoteTarget = (f: ForeignTargets) => ({ id: f.quoteId });
const draftQuoteTarget = (f: ForeignTargets) => ({ id: f.draftQuoteId });
const QUOTE_FIELDS =
  'id number status total { amount } lines { description } revisions { revision } decision { id } customer { id }';
const QUOTE_LINES = '[{ description: "x", quantity: "1", unitPrice: "1.00" }]';
const asBoth = (label: string, query: string, variables: Attempt['variables']): Attempt[] => [
  { as: 'contact', label, query, variables },
  { as: 'partner', label, query, variables },
];

const documentTarget = (f: ForeignTargets) => ({ id: f.documentId });
const DOCUMENT_FIELDS =
  'id title description category origin status customer { id } currentVersion { id version fileName sha256 downloadUrl uploadedBy { kind contactId } } versions { id sha256 } downloadUrl acknowledgements { id contactId name } acknowledgementPending';
const DOCUMENT_FILE = '{ fileName: "owned.txt", contentType: "text/plain" }';

const THREAD_FIELDS =
  'id subjectKind subjectLabel unreadCount commentCount customer { id } invoice { id } comments(last: 100) { nodes { id kind body author { id name } attachments { id } } }';
const threadTarget = (f: ForeignTargets) => ({ id: f.threadId });

export const ATTEMPTS: Record<string, Attempt[]> = {
  'Query.thread': [
    ...asBoth(
      "opens customer B's general conversation",
      `query ($id: ID!) { thread(id: $id) { ${THREAD_FIELDS} } }`,
      threadTarget,
    ),
    ...asBoth(
      "opens the thread of customer B's invoice",
      `query ($id: ID!) { thread(id: $id) { ${THREAD_FIELDS} } }`,
      (f) => ({ id: f.invoiceThreadId }),
    ),
    {
      as: 'contact',
      label: "reads its own conversation (must not include the business's internal notes)",
      query: `query ($id: ID!) { thread(id: $id) { ${THREAD_FIELDS} } }`,
      variables: (f) => ({ id: f.ownThreadId }),
      permitted: true,
    },
    {
      as: 'partner',
      label: "reads customer A's conversation (must not include internal notes)",
      query: `query ($id: ID!) { thread(id: $id) { ${THREAD_FIELDS} } }`,
      variables: (f) => ({ id: f.ownThreadId }),
      permitted: true,
    },
    {
      as: 'anonymous',
      label: "opens customer B's general conversation",
      query: 'query ($id: ID!) { thread(id: $id) { id comments { nodes { body } } } }',
      variables: threadTarget,
    },
  ],
  'Query.unreadCount': [
    {
      as: 'contact',
      label: 'counts its unread items (a number only)',
      query: '{ unreadCount }',
      permitted: true,
    },
    { as: 'partner', label: 'counts unread items', query: '{ unreadCount }', permitted: true },
    { as: 'anonymous', label: 'counts unread items', query: '{ unreadCount }' },
  ],
  'Query.inbox': [
    ...asBoth(
      "reads the staff inbox (customer B's waiting threads)",
      '{ inbox(first: 100) { nodes { id customer { id } comments { nodes { body } } } } }',
      undefined,
    ),
    { as: 'anonymous', label: 'reads the staff inbox', query: '{ inbox { nodes { id } } }' },
  ],
  'Mutation.postComment': [
    ...asBoth(
      "posts into customer B's general conversation",
      'mutation ($id: ID!) { postComment(input: { threadId: $id, body: "owned" }) { comment { id thread { id } } } }',
      threadTarget,
    ),
    ...asBoth(
      "posts into the thread of customer B's invoice",
      'mutation ($id: ID!) { postComment(input: { threadId: $id, body: "owned" }) { comment { id } } }',
      (f) => ({ id: f.invoiceThreadId }),
    ),
    ...asBoth(
      "attaches customer B's document to a post in its own conversation",
      'mutation ($id: ID!, $doc: ID!) { postComment(input: { threadId: $id, body: "owned", attachmentIds: [$doc] }) { comment { id attachments { id } } } }',
      (f) => ({ id: f.ownThreadId, doc: f.documentId }),
    ),
    {
      as: 'contact',
      label: 'writes an internal note in its own conversation (staff only)',
      query:
        'mutation ($id: ID!) { postComment(input: { threadId: $id, body: "owned", kind: INTERNAL_NOTE }) { comment { id } } }',
      variables: (f) => ({ id: f.ownThreadId }),
    },
    {
      as: 'anonymous',
      label: "posts into customer B's general conversation",
      query:
        'mutation ($id: ID!) { postComment(input: { threadId: $id, body: "owned" }) { comment { id } } }',
      variables: threadTarget,
    },
  ],
  'Mutation.editComment': [
    ...asBoth(
      "edits customer B's message",
      'mutation ($id: ID!) { editComment(input: { commentId: $id, body: "owned" }) { comment { id body } } }',
      (f) => ({ id: f.commentId }),
    ),
    ...asBoth(
      "edits the business's internal note about its own customer",
      'mutation ($id: ID!) { editComment(input: { commentId: $id, body: "owned" }) { comment { id body } } }',
      (f) => ({ id: f.ownNoteId }),
    ),
    {
      as: 'anonymous',
      label: "edits customer B's message",
      query:
        'mutation ($id: ID!) { editComment(input: { commentId: $id, body: "owned" }) { comment { id } } }',
      variables: (f) => ({ id: f.commentId }),
    },
  ],
  'Mutation.deleteComment': [
    ...asBoth(
      "deletes customer B's message",
      'mutation ($id: ID!) { deleteComment(input: { commentId: $id }) { comment { id body } } }',
      (f) => ({ id: f.commentId }),
    ),
    ...asBoth(
      "deletes the business's internal note about its own customer",
      'mutation ($id: ID!) { deleteComment(input: { commentId: $id }) { comment { id } } }',
      (f) => ({ id: f.ownNoteId }),
    ),
    {
      as: 'anonymous',
      label: "deletes customer B's message",
      query: 'mutation ($id: ID!) { deleteComment(input: { commentId: $id }) { comment { id } } }',
      variables: (f) => ({ id: f.commentId }),
    },
  ],
  'Mutation.markThreadRead': [
    ...asBoth(
      "marks customer B's conversation read",
      'mutation ($t: ID!, $c: ID!) { markThreadRead(input: { threadId: $t, upToCommentId: $c }) { readUpToPosition thread { id } } }',
      (f) => ({ t: f.threadId, c: f.commentId }),
    ),
    ...asBoth(
      "marks its own conversation read up to customer B's message",
      'mutation ($t: ID!, $c: ID!) { markThreadRead(input: { threadId: $t, upToCommentId: $c }) { readUpToPosition } }',
      (f) => ({ t: f.ownThreadId, c: f.commentId }),
    ),
    ...asBoth(
      'marks its own conversation read up to an internal note',
      'mutation ($t: ID!, $c: ID!) { markThreadRead(input: { threadId: $t, upToCommentId: $c }) { readUpToPosition } }',
      (f) => ({ t: f.ownThreadId, c: f.ownNoteId }),
    ),
    {
      as: 'anonymous',
      label: "marks customer B's conversation read",
      query:
        'mutation ($t: ID!, $c: ID!) { markThreadRead(input: { threadId: $t, upToCommentId: $c }) { readUpToPosition } }',
      variables: (f) => ({ t: f.threadId, c: f.commentId }),
    },
  ],
  'Mutation.assignThread': [
    ...asBoth(
      "assigns customer B's conversation (staff only)",
      'mutation ($t: ID!, $s: ID!) { assignThread(input: { threadId: $t, staffUserId: $s }) { thread { id } } }',
      (f) => ({ t: f.threadId, s: f.staffUserId }),
    ),
    {
      as: 'contact',
      label: 'assigns its own conversation (staff only)',
      query:
        'mutation ($t: ID!, $s: ID!) { assignThread(input: { threadId: $t, staffUserId: $s }) { thread { id } } }',
      variables: (f) => ({ t: f.ownThreadId, s: f.staffUserId }),
    },
    {
      as: 'anonymous',
      label: "assigns customer B's conversation",
      query:
        'mutation ($t: ID!, $s: ID!) { assignThread(input: { threadId: $t, staffUserId: $s }) { thread { id } } }',
      variables: (f) => ({ t: f.threadId, s: f.staffUserId }),
    },
  ],
  'Query.documents': [
    ...asBoth(
      "lists customer B's documents by customerId",
      `query ($id: ID) { documents(customerId: $id, first: 100) { nodes { ${DOCUMENT_FIELDS} } } }`,
      (f) => ({ id: f.customerId }),
    ),
    {
      as: 'contact',
      label: "lists its own documents (must not include B's or internal ones)",
      query: `{ documents(first: 100) { nodes { ${DOCUMENT_FIELDS} } } }`,
      permitted: true,
    },
    {
      as: 'contact',
      label: "lists its own contracts and what it sent (must not include B's or internal ones)",
      query: `{ documents(first: 100, category: [CONTRACT, OTHER], origin: CUSTOMER) { nodes { ${DOCUMENT_FIELDS} } } }`,
      permitted: true,
    },
    {
      as: 'partner',
      label: "lists all documents it may see (must not include B's or internal ones)",
      query: `{ documents(first: 100) { nodes { ${DOCUMENT_FIELDS} } } }`,
      permitted: true,
    },
    {
      as: 'anonymous',
      label: 'lists documents',
      query: '{ documents(first: 100) { nodes { id title } } }',
    },
  ],
  'Query.document': [
    ...asBoth(
      "opens customer B's price list",
      `query ($id: ID!) { document(id: $id) { ${DOCUMENT_FIELDS} } }`,
      documentTarget,
    ),
    ...asBoth(
      "opens customer B's contract and its acknowledgements",
      'query ($id: ID!) { document(id: $id) { id versions { version sha256 downloadUrl } acknowledgements { id name } } }',
      (f) => ({ id: f.contractDocumentId }),
    ),
    ...asBoth(
      "opens customer B's internal document",
      `query ($id: ID!) { document(id: $id) { ${DOCUMENT_FIELDS} } }`,
      (f) => ({ id: f.internalDocumentId }),
    ),
    ...asBoth(
      "opens its own customer's internal document",
      'query ($id: ID!) { document(id: $id) { id title downloadUrl } }',
      (f) => ({ id: f.ownInternalDocumentId }),
    ),
    {
      as: 'anonymous',
      label: "opens customer B's price list",
      query: 'query ($id: ID!) { document(id: $id) { id title } }',
      variables: documentTarget,
    },
  ],
  'Query.customerDocumentSettings': [
    ...asBoth(
      "reads customer B's document settings",
      'query ($id: ID!) { customerDocumentSettings(customerId: $id) { uploadsAllowed quotaBytes usedBytes } }',
      (f) => ({ id: f.customerId }),
    ),
    {
      as: 'contact',
      label: "reads its own customer's document settings (staff only)",
      query:
        'query ($id: ID!) { customerDocumentSettings(customerId: $id) { uploadsAllowed quotaBytes usedBytes } }',
      variables: (f) => ({ id: f.ownCustomerId }),
    },
    {
      as: 'anonymous',
      label: "reads customer B's document settings",
      query: 'query ($id: ID!) { customerDocumentSettings(customerId: $id) { uploadsAllowed } }',
      variables: (f) => ({ id: f.customerId }),
    },
  ],
  'Mutation.shareDocument': [
    ...asBoth(
      'shares a document with customer B',
      `mutation ($id: ID!) { shareDocument(input: { customerId: $id, title: "owned", category: OTHER, file: ${DOCUMENT_FILE} }) { document { id } upload { url } } }`,
      (f) => ({ id: f.customerId }),
    ),
    ...asBoth(
      "shares a document with its own customer, attached to customer B's invoice",
      `mutation ($id: ID!, $invoice: ID!) { shareDocument(input: { customerId: $id, title: "owned", category: OTHER, attachTo: { kind: INVOICE, id: $invoice }, file: ${DOCUMENT_FILE} }) { document { id } upload { url } } }`,
      (f) => ({ id: f.ownCustomerId, invoice: f.invoiceId }),
    ),
    {
      as: 'anonymous',
      label: 'shares a document with customer B',
      query: `mutation ($id: ID!) { shareDocument(input: { customerId: $id, title: "owned", category: OTHER, file: ${DOCUMENT_FILE} }) { document { id } } }`,
      variables: (f) => ({ id: f.customerId }),
    },
  ],
  'Mutation.sendDocument': [
    {
      as: 'contact',
      label: 'sends the business a document (its own customer only)',
      query: `mutation { sendDocument(input: { title: "Our certificate", file: ${DOCUMENT_FILE} }) { document { id customer { id } } upload { url } } }`,
      // a contact of A may send; only customer B's data in the answer counts
      permitted: true,
    },
    {
      as: 'contact',
      label: "sends a document attached to customer B's invoice",
      query: `mutation ($id: ID!) { sendDocument(input: { title: "owned", attachTo: { kind: INVOICE, id: $id }, file: ${DOCUMENT_FILE} }) { document { id invoice { id } } upload { url } } }`,
      variables: invoiceTarget,
    },
    {
      as: 'contact',
      label: "sends a document attached to customer B's quote",
      query: `mutation ($id: ID!) { sendDocument(input: { title: "owned", attachTo: { kind: QUOTE, id: $id }, file: ${DOCUMENT_FILE} }) { document { id quote { id } } upload { url } } }`,
      variables: quoteTarget,
    },
    {
      as: 'contact',
      label: "sends a document attached to customer B's purchase order",
      query: `mutation ($id: ID!) { sendDocument(input: { title: "owned", attachTo: { kind: PURCHASE_ORDER, id: $id }, file: ${DOCUMENT_FILE} }) { document { id purchaseOrder { id } } upload { url } } }`,
      variables: orderTarget,
    },
    {
      as: 'partner',
      label: 'sends the business a document',
      query: `mutation { sendDocument(input: { title: "owned", file: ${DOCUMENT_FILE} }) { document { id } upload { url } } }`,
    },
    {
      as: 'anonymous',
      label: 'sends the business a document',
      query: `mutation { sendDocument(input: { title: "owned", file: ${DOCUMENT_FILE} }) { document { id } } }`,
    },
  ],
  'Mutation.addDocumentVersion': [
    ...asBoth(
      "adds a version to customer B's price list",
      `mutation ($id: ID!) { addDocumentVersion(input: { documentId: $id, file: ${DOCUMENT_FILE} }) { document { id } upload { url } } }`,
      documentTarget,
    ),
    ...asBoth(
      "adds a version to customer B's internal document",
      `mutation ($id: ID!) { addDocumentVersion(input: { documentId: $id, file: ${DOCUMENT_FILE} }) { document { id } upload { url } } }`,
      (f) => ({ id: f.internalDocumentId }),
    ),
    {
      as: 'contact',
      label: 'adds a version to a document its own customer sent',
      query: `mutation ($id: ID!) { addDocumentVersion(input: { documentId: $id, file: ${DOCUMENT_FILE} }) { document { id customer { id } } upload { url } } }`,
      variables: (f) => ({ id: f.ownSentDocumentId }),
      permitted: true,
    },
    {
      as: 'partner',
      label: 'adds a version to a document customer A sent',
      query: `mutation ($id: ID!) { addDocumentVersion(input: { documentId: $id, file: ${DOCUMENT_FILE} }) { document { id } upload { url } } }`,
      variables: (f) => ({ id: f.ownSentDocumentId }),
    },
    {
      as: 'anonymous',
      label: "adds a version to customer B's price list",
      query: `mutation ($id: ID!) { addDocumentVersion(input: { documentId: $id, file: ${DOCUMENT_FILE} }) { document { id } } }`,
      variables: documentTarget,
    },
  ],
  'Mutation.updateDocument': [
    ...asBoth(
      "retitles customer B's price list",
      'mutation ($id: ID!) { updateDocument(input: { id: $id, title: "owned", clearExpiry: true }) { document { id title } } }',
      documentTarget,
    ),
    ...asBoth(
      "drops the acknowledgement customer B's contract asks for",
      'mutation ($id: ID!) { updateDocument(input: { id: $id, acknowledgementRequired: false }) { document { id } } }',
      (f) => ({ id: f.contractDocumentId }),
    ),
    {
      as: 'anonymous',
      label: "retitles customer B's price list",
      query:
        'mutation ($id: ID!) { updateDocument(input: { id: $id, title: "owned" }) { document { id } } }',
      variables: documentTarget,
    },
  ],
  'Mutation.acknowledgeDocument': [
    ...asBoth(
      "acknowledges customer B's contract",
      'mutation ($id: ID!) { acknowledgeDocument(input: { documentId: $id, version: 2, name: "Mallory" }) { document { id } acknowledgement { id contactId } } }',
      (f) => ({ id: f.contractDocumentId }),
    ),
    ...asBoth(
      "acknowledges customer B's internal document",
      'mutation ($id: ID!) { acknowledgeDocument(input: { documentId: $id, version: 1, name: "Mallory" }) { acknowledgement { id } } }',
      (f) => ({ id: f.internalDocumentId }),
    ),
    {
      as: 'anonymous',
      label: "acknowledges customer B's contract",
      query:
        'mutation ($id: ID!) { acknowledgeDocument(input: { documentId: $id, version: 2, name: "Mallory" }) { acknowledgement { id } } }',
      variables: (f) => ({ id: f.contractDocumentId }),
    },
  ],
  'Mutation.setCustomerDocumentSettings': [
    ...asBoth(
      'lets customer B send documents, with a huge quota',
      'mutation ($id: ID!) { setCustomerDocumentSettings(input: { customerId: $id, uploadsAllowed: true, quotaMegabytes: 100000 }) { uploadsAllowed quotaBytes usedBytes } }',
      (f) => ({ id: f.customerId }),
    ),
    {
      as: 'contact',
      label: "raises its own customer's quota",
      query:
        'mutation ($id: ID!) { setCustomerDocumentSettings(input: { customerId: $id, uploadsAllowed: true, quotaMegabytes: 100000 }) { quotaBytes } }',
      variables: (f) => ({ id: f.ownCustomerId }),
    },
    {
      as: 'anonymous',
      label: 'lets customer B send documents',
      query:
        'mutation ($id: ID!) { setCustomerDocumentSettings(input: { customerId: $id, uploadsAllowed: true }) { uploadsAllowed } }',
      variables: (f) => ({ id: f.customerId }),
    },
  ],
  'Query.quotes': [
    ...asBoth(
      "lists customer B's quotes by customerId",
      `query ($id: ID) { quotes(customerId: $id, first: 100) { nodes { ${QUOTE_FIELDS} } } }`,
      (f) => ({ id: f.customerId }),
    ),
    {
      as: 'contact',
      label: "lists its own quotes (must not include B's or drafts)",
      query: `{ quotes(first: 100) { nodes { ${QUOTE_FIELDS} } } }`,
      permitted: true,
    },
    {
      as: 'partner',
      label: "lists all quotes it may see (must not include B's)",
      query: `{ quotes(first: 100) { nodes { ${QUOTE_FIELDS} } } }`,
      permitted: true,
    },
  ],
  'Query.quote': [
    ...asBoth(
      "reads the documents attached to customer B's quote",
      'query ($id: ID!) { quote(id: $id) { id documents(first: 100) { nodes { id title } } } }',
      quoteTarget,
    ),
    ...asBoth(
      "opens customer B's quote",
      `query ($id: ID!) { quote(id: $id) { ${QUOTE_FIELDS} pdfUrl } }`,
      quoteTarget,
    ),
    ...asBoth(
      "opens customer B's draft quote",
      `query ($id: ID!) { quote(id: $id) { ${QUOTE_FIELDS} } }`,
      draftQuoteTarget,
    ),
  ],
  'Mutation.createQuote': asBoth(
    'quotes customer B',
    `mutation ($id: ID!) { createQuote(input: { customerId: $id, currency: "EUR", expiryDate: "2099-01-01", lines: ${QUOTE_LINES} }) { quote { id } } }`,
    (f) => ({ id: f.customerId }),
  ),
  'Mutation.updateDraftQuote': asBoth(
    "edits customer B's draft quote",
    'mutation ($id: ID!) { updateDraftQuote(input: { id: $id, notes: "owned" }) { quote { id } } }',
    draftQuoteTarget,
  ),
  'Mutation.sendQuote': asBoth(
    "sends customer B's draft quote",
    'mutation ($id: ID!) { sendQuote(input: { id: $id }) { quote { id } } }',
    draftQuoteTarget,
  ),
  'Mutation.reviseQuote': asBoth(
    "revises customer B's quote",
    `mutation ($id: ID!) { reviseQuote(input: { id: $id, expiryDate: "2099-01-01", lines: ${QUOTE_LINES} }) { quote { id } } }`,
    quoteTarget,
  ),
  'Mutation.convertQuote': asBoth(
    "converts customer B's quote into an order and an invoice",
    'mutation ($id: ID!) { convertQuote(input: { id: $id, createInvoice: true, invoiceDueDate: "2099-01-01" }) { purchaseOrder { id } } }',
    quoteTarget,
  ),
  'Mutation.withdrawQuote': asBoth(
    "withdraws customer B's quote",
    'mutation ($id: ID!) { withdrawQuote(input: { id: $id }) { quote { id } } }',
    quoteTarget,
  ),
  'Mutation.acceptQuote': asBoth(
    "accepts customer B's quote",
    'mutation ($id: ID!) { acceptQuote(input: { id: $id, revision: 1, signerName: "Mallory", acceptTerms: true }) { quote { id status } } }',
    quoteTarget,
  ),
  'Mutation.declineQuote': asBoth(
    "declines customer B's quote",
    'mutation ($id: ID!) { declineQuote(input: { id: $id, revision: 1, reasonCode: OTHER, reason: "x" }) { quote { id status } } }',
    quoteTarget,
  ),
  'Mutation.requestQuoteChanges': asBoth(
    "asks changes to customer B's quote",
    'mutation ($id: ID!) { requestQuoteChanges(input: { id: $id, revision: 1, comment: "x" }) { quote { id status } } }',
    quoteTarget,
  ),
  'Query.purchaseOrders': [
    {
      as: 'contact',
      label: "lists customer B's purchase orders by customerId",
      query: `query ($id: ID) { purchaseOrders(customerId: $id, first: 100) { nodes { ${ORDER_FIELDS} } } }`,
      variables: (f) => ({ id: f.customerId }),
    },
    {
      as: 'contact',
      label: "lists its own purchase orders (must not include B's)",
      query: `{ purchaseOrders(first: 100) { nodes { ${ORDER_FIELDS} } } }`,
      permitted: true,
    },
    {
      as: 'partner',
      label: "lists customer B's purchase orders outside its customer list",
      query: `query ($id: ID) { purchaseOrders(customerId: $id, first: 100) { nodes { id } } }`,
      variables: (f) => ({ id: f.customerId }),
    },
    {
      as: 'partner',
      label: "lists all purchase orders it may see (must not include B's)",
      query: `{ purchaseOrders(first: 100) { nodes { ${ORDER_FIELDS} } } }`,
      permitted: true,
    },
  ],
  'Query.purchaseOrder': [
    ...asBoth(
      "reads the documents attached to customer B's purchase order",
      'query ($id: ID!) { purchaseOrder(id: $id) { id documents(first: 100) { nodes { id title } } } }',
      orderTarget,
    ),
    {
      as: 'contact',
      label: "opens customer B's purchase order and its timeline",
      query: `query ($id: ID!) { purchaseOrder(id: $id) { ${ORDER_FIELDS} } }`,
      variables: orderTarget,
    },
    {
      as: 'partner',
      label: "opens customer B's purchase order",
      query: `query ($id: ID!) { purchaseOrder(id: $id) { ${ORDER_FIELDS} } }`,
      variables: orderTarget,
    },
  ],
  'Query.orderSubStatuses': [
    {
      as: 'contact',
      label: "reads the business's sub-status definitions",
      query: '{ orderSubStatuses(status: IN_PROGRESS, includeArchived: true) { id label } }',
    },
    {
      as: 'partner',
      label: "reads the business's sub-status definitions",
      query: '{ orderSubStatuses(status: IN_PROGRESS) { id label } }',
    },
  ],
  'Mutation.createPurchaseOrder': staffOrderAttempts(
    'places an order for customer B',
    'mutation ($id: ID!) { createPurchaseOrder(input: { customerId: $id, currency: "EUR", lines: [{ description: "x", quantity: "1", unitPrice: "1.00" }] }) { purchaseOrder { id } } }',
    (f) => ({ id: f.customerId }),
  ),
  'Mutation.updatePurchaseOrder': staffOrderAttempts(
    "rewrites customer B's order reference",
    'mutation ($id: ID!) { updatePurchaseOrder(input: { id: $id, customerReference: "owned" }) { purchaseOrder { id } } }',
    orderTarget,
  ),
  'Mutation.setPurchaseOrderStatus': staffOrderAttempts(
    "cancels customer B's order",
    'mutation ($id: ID!) { setPurchaseOrderStatus(input: { id: $id, status: ON_HOLD }) { purchaseOrder { id status } } }',
    orderTarget,
  ),
  'Mutation.setPurchaseOrderSubStatus': staffOrderAttempts(
    "clears customer B's order sub-status",
    'mutation ($id: ID!) { setPurchaseOrderSubStatus(input: { id: $id, subStatusId: null }) { purchaseOrder { id } } }',
    orderTarget,
  ),
  'Mutation.addShipment': staffOrderAttempts(
    "ships the rest of customer B's order",
    'mutation ($id: ID!, $line: ID!) { addShipment(input: { orderId: $id, carrier: "x", shippedAt: "2026-01-01", lines: [{ orderLineId: $line, quantity: "1" }] }) { shipment { id } } }',
    (f) => ({ id: f.purchaseOrderId, line: f.orderLineId }),
  ),
  'Mutation.markShipmentDelivered': staffOrderAttempts(
    "marks customer B's shipment delivered",
    'mutation ($id: ID!) { markShipmentDelivered(input: { shipmentId: $id, deliveredAt: "2099-01-01" }) { shipment { id } } }',
    (f) => ({ id: f.shipmentId }),
  ),
  'Mutation.createOrderSubStatus': staffOrderAttempts(
    'defines a sub-status',
    'mutation { createOrderSubStatus(input: { status: CONFIRMED, label: "owned", colour: "#000000" }) { subStatus { id } } }',
    () => ({}),
  ),
  'Mutation.updateOrderSubStatus': staffOrderAttempts(
    "relabels the business's sub-status",
    'mutation ($id: ID!) { updateOrderSubStatus(input: { id: $id, label: "owned" }) { subStatus { id } } }',
    (f) => ({ id: f.subStatusId }),
  ),
  'Mutation.archiveOrderSubStatus': staffOrderAttempts(
    "archives the business's sub-status",
    'mutation ($id: ID!) { archiveOrderSubStatus(input: { id: $id }) { subStatus { id } } }',
    (f) => ({ id: f.subStatusId }),
  ),
  'Query.invoices': [
    {
      as: 'contact',
      label: "lists customer B's invoices by customerId",
      query: `query ($id: ID) { invoices(customerId: $id, first: 100) { nodes { ${INVOICE_FIELDS} } } }`,
      variables: (f) => ({ id: f.customerId }),
    },
    {
      as: 'contact',
      label: "lists its own invoices (must not include B's or drafts)",
      query: `{ invoices(first: 100) { nodes { ${INVOICE_FIELDS} } } }`,
      permitted: true,
    },
    {
      as: 'partner',
      label: "lists customer B's invoices outside its customer list",
      query: `query ($id: ID) { invoices(customerId: $id, first: 100) { nodes { id } } }`,
      variables: (f) => ({ id: f.customerId }),
    },
    {
      as: 'partner',
      label: "lists all invoices it may see (must not include B's)",
      query: `{ invoices(first: 100) { nodes { ${INVOICE_FIELDS} } } }`,
      permitted: true,
    },
  ],
  'Query.invoice': [
    ...asBoth(
      "reads the documents attached to customer B's invoice",
      'query ($id: ID!) { invoice(id: $id) { id documents(first: 100) { nodes { id title } } } }',
      invoiceTarget,
    ),
    {
      as: 'contact',
      label:
        "reads the documents attached to its own invoice (must not include B's or internal ones)",
      query: `query ($id: ID!) { invoice(id: $id) { id documents(first: 100) { nodes { ${DOCUMENT_FIELDS} } } } }`,
      variables: (f) => ({ id: f.ownInvoiceId }),
      permitted: true,
    },
    {
      as: 'contact',
      label: "opens customer B's invoice",
      query: `query ($id: ID!) { invoice(id: $id) { ${INVOICE_FIELDS} } }`,
      variables: invoiceTarget,
    },
    {
      as: 'contact',
      label: "opens customer B's draft",
      query: 'query ($id: ID!) { invoice(id: $id) { id } }',
      variables: (f) => ({ id: f.draftInvoiceId }),
    },
    {
      as: 'partner',
      label: "opens customer B's invoice",
      query: 'query ($id: ID!) { invoice(id: $id) { id total { amount } } }',
      variables: invoiceTarget,
    },
  ],
  'Mutation.createInvoice': [
    {
      as: 'contact',
      label: 'bills customer B',
      query:
        'mutation ($id: ID!) { createInvoice(input: { customerId: $id, currency: "EUR", dueDate: "2099-01-01", lines: [{ description: "x", quantity: "1", unitPrice: "1.00" }] }) { invoice { id } } }',
      variables: (f) => ({ id: f.customerId }),
    },
  ],
  'Mutation.updateDraftInvoice': [
    {
      as: 'contact',
      label: "edits customer B's draft",
      query:
        'mutation ($id: ID!) { updateDraftInvoice(input: { id: $id, notes: "owned" }) { invoice { id } } }',
      variables: (f) => ({ id: f.draftInvoiceId }),
    },
  ],
  'Mutation.issueInvoice': [
    {
      as: 'contact',
      label: "issues customer B's draft",
      query: 'mutation ($id: ID!) { issueInvoice(input: { id: $id }) { invoice { id } } }',
      variables: (f) => ({ id: f.draftInvoiceId }),
    },
  ],
  'Mutation.voidInvoice': [
    {
      as: 'contact',
      label: "voids customer B's invoice",
      query:
        'mutation ($id: ID!) { voidInvoice(input: { id: $id, reason: "x" }) { invoice { id } } }',
      variables: invoiceTarget,
    },
    {
      as: 'partner',
      label: "voids customer B's invoice",
      query:
        'mutation ($id: ID!) { voidInvoice(input: { id: $id, reason: "x" }) { invoice { id } } }',
      variables: invoiceTarget,
    },
  ],
  'Mutation.payInvoices': [
    {
      as: 'contact',
      label: "pays customer B's invoice (to learn of it, or to mess with it)",
      query:
        'mutation ($id: ID!) { payInvoices(input: { invoices: [{ invoiceId: $id }], paymentMethod: "tok_visa", idempotencyKey: "harness-contact-1" }) { succeeded payment { id } } }',
      variables: invoiceTarget,
    },
    {
      as: 'partner',
      label: "pays customer B's invoice",
      query:
        'mutation ($id: ID!) { payInvoices(input: { invoices: [{ invoiceId: $id }], paymentMethod: "tok_visa", idempotencyKey: "harness-partner-1" }) { succeeded payment { id } } }',
      variables: invoiceTarget,
    },
  ],
  'Mutation.recordPayment': [
    {
      as: 'contact',
      label: 'records a fake payment on its own invoice',
      query:
        'mutation ($customer: ID!, $invoice: ID!) { recordPayment(input: { customerId: $customer, currency: "GBP", amount: "1.00", method: CASH, receivedOn: "2026-01-01", allocations: [{ invoiceId: $invoice, amount: "1.00" }] }) { payment { id } } }',
      variables: (f) => ({ customer: f.customerId, invoice: f.invoiceId }),
    },
  ],
  'Mutation.refundPayment': [
    {
      as: 'contact',
      label: "refunds customer B's payment",
      query:
        'mutation ($id: ID!) { refundPayment(input: { paymentId: $id, amount: "1.00" }) { refund { id } } }',
      variables: (f) => ({ id: f.paymentId }),
    },
  ],
  'Mutation.createCreditNote': [
    {
      as: 'contact',
      label: 'grants itself credit',
      query:
        'mutation ($id: ID!) { createCreditNote(input: { customerId: $id, currency: "GBP", lines: [{ description: "x", quantity: "1", unitPrice: "999.00" }] }) { creditNote { id } } }',
      variables: (f) => ({ id: f.customerId }),
    },
  ],
  'Mutation.applyCreditNote': [
    {
      as: 'contact',
      label: "applies customer B's credit to its own invoice",
      query:
        'mutation ($note: ID!, $invoice: ID!) { applyCreditNote(input: { creditNoteId: $note, invoiceId: $invoice, amount: "1.00" }) { application { id } } }',
      variables: (f) => ({ note: f.creditNoteId, invoice: f.ownInvoiceId }),
    },
    {
      as: 'partner',
      label: "applies customer B's credit",
      query:
        'mutation ($note: ID!, $invoice: ID!) { applyCreditNote(input: { creditNoteId: $note, invoiceId: $invoice, amount: "1.00" }) { application { id } } }',
      variables: (f) => ({ note: f.creditNoteId, invoice: f.invoiceId }),
    },
  ],
  'Mutation.inviteContact': [
    {
      as: 'contact',
      label: 'invites someone into customer B',
      query:
        'mutation ($id: ID!) { inviteContact(input: { customerId: $id, name: "Mallory", email: "mallory@evil.example" }) { contact { id customerId } } }',
      variables: (f) => ({ id: f.customerId }),
    },
    {
      as: 'partner',
      label: 'invites someone into customer B',
      query:
        'mutation ($id: ID!) { inviteContact(input: { customerId: $id, name: "Mallory", email: "mallory2@evil.example" }) { contact { id } } }',
      variables: (f) => ({ id: f.customerId }),
    },
  ],
  'Mutation.reinviteContact': [
    {
      as: 'contact',
      label: "re-invites customer B's contact",
      query:
        'mutation ($id: ID!) { reinviteContact(input: { contactId: $id }) { contact { email } } }',
      variables: contactTarget,
    },
    {
      as: 'partner',
      label: "re-invites customer B's contact",
      query:
        'mutation ($id: ID!) { reinviteContact(input: { contactId: $id }) { contact { email } } }',
      variables: contactTarget,
    },
  ],
  'Mutation.revokePortalAccess': [
    {
      as: 'contact',
      label: "locks customer B's contact out",
      query:
        'mutation ($id: ID!) { revokePortalAccess(input: { contactId: $id }) { contact { id } } }',
      variables: contactTarget,
    },
    {
      as: 'partner',
      label: "locks customer B's contact out",
      query:
        'mutation ($id: ID!) { revokePortalAccess(input: { contactId: $id }) { contact { id } } }',
      variables: contactTarget,
    },
  ],
  'Mutation.disableContact': [
    {
      as: 'contact',
      label: "disables customer B's contact",
      query: 'mutation ($id: ID!) { disableContact(input: { contactId: $id }) { contact { id } } }',
      variables: contactTarget,
    },
  ],
  // Over plain HTTP: a subscription needs graphql-ws or multipart, so these
  // pin that no plain HTTP path answers one. The socket attempts are in socket-attempts.ts.
  'Subscription.orderChanged': (['contact', 'partner', 'anonymous'] as const).map((as) => ({
    as,
    label: "follows customer B's purchase order over HTTP",
    query:
      'subscription ($id: ID!) { orderChanged(purchaseOrderId: $id) { cursor order { id number customer { id } } } }',
    variables: (f: ForeignTargets) => ({ id: f.purchaseOrderId }),
  })),
  'Subscription.commentAdded': (['contact', 'partner', 'anonymous'] as const).map((as) => ({
    as,
    label: "follows customer B's general conversation over HTTP",
    query:
      'subscription ($id: ID!) { commentAdded(threadId: $id) { cursor comment { id body author { name } } } }',
    variables: threadTarget,
  })),
  'Subscription.threadActivity': (['contact', 'partner', 'anonymous'] as const).map((as) => ({
    as,
    label: "follows customer B's invoice thread over HTTP",
    query:
      'subscription ($id: ID) { threadActivity(threadId: $id) { cursor change thread { id customer { id } } comment { body } } }',
    variables: (f: ForeignTargets) => ({ id: f.invoiceThreadId }),
  })),
  'Mutation.setEmailNotifications': (['contact', 'partner', 'anonymous'] as const).map((as) => ({
    as,
    label: "turns off customer B's contact's email notifications",
    query:
      'mutation ($id: ID!) { setEmailNotifications(input: { contactId: $id, enabled: false }) { contact { id emailNotifications } } }',
    variables: contactTarget,
  })),
  'Mutation.acceptInvitation': [
    {
      as: 'anonymous',
      label: 'accepts an invitation with a guessed token',
      query:
        'mutation { acceptInvitation(input: { token: "inv_guess", password: "a long enough passphrase" }) { accessToken } }',
    },
  ],
  'Mutation.requestPasswordReset': [
    {
      as: 'anonymous',
      label: "asks for customer B's contact's reset link",
      query:
        'mutation ($email: String!) { requestPasswordReset(input: { email: $email }) { accepted } }',
      variables: (f) => ({ email: f.contactEmail }),
      // answers `accepted: true` for any email; the link goes to the owner's mailbox
      permitted: true,
    },
  ],
  'Mutation.resetPassword': [
    {
      as: 'anonymous',
      label: 'resets a password with a guessed token',
      query:
        'mutation { resetPassword(input: { token: "pwr_guess", newPassword: "a long enough passphrase" }) { passwordChanged } }',
    },
  ],
  'Mutation.changePassword': [
    {
      as: 'contact',
      label: 'changes its password without knowing it',
      query:
        'mutation { changePassword(input: { currentPassword: "not-the-password", newPassword: "a long enough passphrase" }) { otherSessionsEnded } }',
    },
    {
      as: 'partner',
      label: 'changes a password',
      query:
        'mutation { changePassword(input: { currentPassword: "x", newPassword: "a long enough passphrase" }) { otherSessionsEnded } }',
    },
  ],
  'Query.mySessions': [
    {
      as: 'contact',
      label: 'lists sessions',
      query: '{ mySessions { id clientAddress createdAt } }',
      permitted: true,
    },
    { as: 'partner', label: 'lists sessions', query: '{ mySessions { id } }' },
  ],
  'Mutation.refreshSession': [
    {
      as: 'contact',
      label: 'refreshes with a guessed refresh token',
      query: 'mutation { refreshSession(input: { refreshToken: "prt_guess" }) { accessToken } }',
    },
  ],
  'Mutation.signOut': [
    {
      as: 'contact',
      label: 'signs out (its own session only)',
      query: 'mutation { signOut { sessionsEnded } }',
      permitted: true,
    },
    { as: 'partner', label: 'signs out', query: 'mutation { signOut { sessionsEnded } }' },
  ],
  'Mutation.signOutEverywhere': [
    {
      as: 'contact',
      label: 'signs out everywhere (its own sessions only)',
      query: 'mutation { signOutEverywhere { sessionsEnded } }',
      permitted: true,
    },
    {
      as: 'anonymous',
      label: 'signs everyone out',
      query: 'mutation { signOutEverywhere { sessionsEnded } }',
    },
  ],
  'Query.viewer': [
    {
      as: 'contact',
      label: 'reads everything its viewer reaches',
      query:
        '{ viewer { contact { id email customer { id } } customer { id companyName contacts { id email } } } }',
      permitted: true,
    },
    {
      as: 'partner',
      label: 'reads its viewer',
      query: '{ viewer { kind partnerClientId scopes contact { id } customer { id } } }',
      permitted: true,
    },
  ],
  'Query.customers': [
    {
      as: 'contact',
      label: 'lists all customers',
      query: '{ customers(first: 100) { nodes { id companyName } } }',
    },
    {
      as: 'partner',
      label: 'lists all customers',
      query: '{ customers(first: 100) { nodes { id companyName } } }',
    },
    {
      as: 'anonymous',
      label: 'lists all customers',
      query: '{ customers(first: 100) { nodes { id } } }',
    },
  ],
  'Query.customer': [
    ...asBoth(
      "reads customer B's documents through Customer",
      'query ($id: ID!) { customer(id: $id) { id documents(first: 100) { nodes { id title versions { sha256 } } } } }',
      byId(''),
    ),
    {
      as: 'contact',
      label: "reads its own customer's documents (must not include B's or internal ones)",
      query: `query ($id: ID!) { customer(id: $id) { id documents(first: 100) { nodes { ${DOCUMENT_FIELDS} } } } }`,
      variables: (f) => ({ id: f.ownCustomerId }),
      permitted: true,
    },
    {
      as: 'partner',
      label: "reads customer A's documents (must not include B's or internal ones)",
      query: `query ($id: ID!) { customer(id: $id) { id documents(first: 100) { nodes { ${DOCUMENT_FIELDS} } } } }`,
      variables: (f) => ({ id: f.ownCustomerId }),
      permitted: true,
    },
    {
      as: 'contact',
      label: "reads customer B's billing through Customer",
      query:
        'query ($id: ID!) { customer(id: $id) { id balance { outstanding { amount } } invoices { nodes { id } } payments { id } creditNotes { id } } }',
      variables: byId(''),
    },
    {
      as: 'contact',
      label: "reads its own billing (must not include B's)",
      query:
        'query ($id: ID!) { customer(id: $id) { id balance { currency outstanding { amount } } invoices(first: 100) { nodes { id number } } payments(first: 100) { id reference allocations { invoice { id number } } } creditNotes(first: 100) { id number applications { invoice { id } } } } }',
      variables: (f) => ({ id: f.ownCustomerId }),
      permitted: true,
    },
    {
      as: 'contact',
      label: 'reads customer B by a variable',
      query: 'query ($id: ID!) { customer(id: $id) { id companyName contacts { email } } }',
      variables: byId(''),
    },
    {
      as: 'contact',
      label: 'reads customer B through a fragment',
      query: 'query ($id: ID!) { ...F } fragment F on Query { customer(id: $id) { id email } }',
      variables: byId(''),
    },
    {
      as: 'contact',
      label: "reads its own customer's staff-only notes",
      query: 'query ($id: ID!) { customer(id: $id) { id notes } }',
      variables: (f) => ({ id: f.ownCustomerId }),
    },
    {
      as: 'partner',
      label: 'reads the staff-only notes of a customer it may see',
      query: 'query ($id: ID!) { customer(id: $id) { id notes } }',
      variables: (f) => ({ id: f.ownCustomerId }),
    },
    {
      as: 'contact',
      label: 'lists archived customers',
      query: '{ customers(first: 100, status: ALL) { nodes { id notes } } }',
    },
    {
      as: 'partner',
      label: 'reads customer B outside its customer list',
      query: 'query ($id: ID!) { customer(id: $id) { id companyName } }',
      variables: byId(''),
    },
  ],
  'Query.partnerClients': [
    {
      as: 'contact',
      label: 'lists partner clients',
      query: '{ partnerClients { id name scopes } }',
    },
    {
      as: 'partner',
      label: 'lists partner clients',
      query: '{ partnerClients { id name scopes } }',
    },
  ],
  'Mutation.signIn': [
    {
      as: 'contact',
      label: "signs in as customer B's contact without the password",
      query:
        'mutation ($email: String!) { signIn(input: { email: $email, password: "not-the-password" }) { accessToken viewer { customer { id } } } }',
      variables: (f) => ({ email: f.contactEmail }),
    },
  ],
  'Mutation.signInStaff': [
    {
      as: 'contact',
      label: 'signs in as staff without the password',
      query:
        'mutation ($email: String!) { signInStaff(input: { email: $email, password: "not-the-password" }) { accessToken } }',
      variables: (f) => ({ email: f.staffEmail }),
    },
  ],
  'Mutation.createPartnerClient': [
    {
      as: 'contact',
      label: 'creates a partner client for customer B',
      query:
        'mutation ($id: ID!) { createPartnerClient(input: { name: "x", scopes: ["customers:read"], customerIds: [$id] }) { clientSecret } }',
      variables: (f) => ({ id: f.customerId }),
    },
    {
      as: 'partner',
      label: 'creates itself a wider client',
      query:
        'mutation { createPartnerClient(input: { name: "x", scopes: ["customers:read"] }) { clientSecret } }',
    },
  ],
  'Mutation.rotatePartnerClientSecret': [
    {
      as: 'contact',
      label: 'takes over another partner client',
      query:
        'mutation ($id: ID!) { rotatePartnerClientSecret(input: { id: $id }) { clientSecret } }',
      variables: (f) => ({ id: f.partnerClientId }),
    },
    {
      as: 'partner',
      label: 'takes over another partner client',
      query:
        'mutation ($id: ID!) { rotatePartnerClientSecret(input: { id: $id }) { clientSecret } }',
      variables: (f) => ({ id: f.partnerClientId }),
    },
  ],
  'Mutation.revokePartnerClient': [
    {
      as: 'contact',
      label: 'revokes another partner client',
      query: 'mutation ($id: ID!) { revokePartnerClient(input: { id: $id }) { client { id } } }',
      variables: (f) => ({ id: f.partnerClientId }),
    },
    {
      as: 'partner',
      label: 'revokes another partner client',
      query: 'mutation ($id: ID!) { revokePartnerClient(input: { id: $id }) { client { id } } }',
      variables: (f) => ({ id: f.partnerClientId }),
    },
  ],
  'Mutation.issuePartnerToken': [
    {
      as: 'anonymous',
      label: 'gets a token for another client without its secret',
      query:
        'mutation ($id: ID!) { issuePartnerToken(input: { clientId: $id, clientSecret: "pcs_guess" }) { accessToken } }',
      variables: (f) => ({ id: f.partnerClientId }),
    },
  ],
  'Query.organisation': [
    {
      as: 'contact',
      label: 'reads the issuer details (nothing of customer B)',
      query:
        '{ organisation { legalName tradingName taxId supportEmail address { line1 city country } logoUrl defaultCurrency portalUrl } }',
      permitted: true,
    },
    {
      as: 'contact',
      label: 'reads the staff-only side of the profile',
      query: '{ organisation { legalName updatedAt updatedByStaffUserId } }',
    },
    {
      as: 'partner',
      label: 'reads the staff-only side of the profile',
      query: '{ organisation { updatedAt } }',
    },
    { as: 'anonymous', label: 'reads the profile', query: '{ organisation { legalName } }' },
  ],
  'Mutation.updateOrganisationProfile': [
    {
      as: 'contact',
      label: "rewrites the issuer on every customer's invoices",
      query:
        'mutation { updateOrganisationProfile(input: { legalName: "Mallory Ltd" }) { organisation { legalName } } }',
    },
    {
      as: 'partner',
      label: 'rewrites the issuer',
      query:
        'mutation { updateOrganisationProfile(input: { legalName: "Mallory Ltd" }) { organisation { legalName } } }',
    },
  ],
  'Mutation.createCustomer': [
    {
      as: 'contact',
      label: 'creates a customer',
      query:
        'mutation { createCustomer(input: { companyName: "Mallory Ltd", email: "m@evil.example", billingAddress: { line1: "x", city: "y", postalCode: "z", country: "GB" }, currency: "GBP", locale: "en" }) { customer { id } } }',
    },
    {
      as: 'partner',
      label: 'creates a customer',
      query:
        'mutation { createCustomer(input: { companyName: "Mallory Ltd", email: "m@evil.example", billingAddress: { line1: "x", city: "y", postalCode: "z", country: "GB" }, currency: "GBP", locale: "en" }) { customer { id } } }',
    },
  ],
  'Mutation.updateCustomer': [
    {
      as: 'contact',
      label: "redirects customer B's billing email",
      query:
        'mutation ($id: ID!) { updateCustomer(input: { id: $id, email: "m@evil.example" }) { customer { id notes } } }',
      variables: (f) => ({ id: f.customerId }),
    },
    {
      as: 'contact',
      label: 'edits its own customer',
      query:
        'mutation ($id: ID!) { updateCustomer(input: { id: $id, companyName: "Renamed" }) { customer { id } } }',
      variables: (f) => ({ id: f.ownCustomerId }),
    },
    {
      as: 'partner',
      label: "edits customer B's details",
      query:
        'mutation ($id: ID!) { updateCustomer(input: { id: $id, taxId: "X1" }) { customer { id } } }',
      variables: (f) => ({ id: f.customerId }),
    },
  ],
  'Mutation.archiveCustomer': [
    {
      as: 'contact',
      label: 'archives customer B',
      query: 'mutation ($id: ID!) { archiveCustomer(input: { id: $id }) { customer { id } } }',
      variables: (f) => ({ id: f.customerId }),
    },
    {
      as: 'partner',
      label: 'archives customer B',
      query: 'mutation ($id: ID!) { archiveCustomer(input: { id: $id }) { customer { id } } }',
      variables: (f) => ({ id: f.customerId }),
    },
  ],
  'Mutation.unarchiveCustomer': [
    {
      as: 'contact',
      label: 'unarchives customer B',
      query: 'mutation ($id: ID!) { unarchiveCustomer(input: { id: $id }) { customer { id } } }',
      variables: (f) => ({ id: f.customerId }),
    },
    {
      as: 'partner',
      label: 'unarchives customer B',
      query: 'mutation ($id: ID!) { unarchiveCustomer(input: { id: $id }) { customer { id } } }',
      variables: (f) => ({ id: f.customerId }),
    },
  ],
  'Mutation.addContact': [
    {
      as: 'contact',
      label: 'adds itself a contact at customer B',
      query:
        'mutation ($id: ID!) { addContact(input: { customerId: $id, name: "Mallory", email: "mallory3@evil.example", invite: true }) { contact { id } } }',
      variables: (f) => ({ id: f.customerId }),
    },
    {
      as: 'partner',
      label: 'adds a contact at customer B',
      query:
        'mutation ($id: ID!) { addContact(input: { customerId: $id, name: "Mallory", email: "mallory4@evil.example" }) { contact { id } } }',
      variables: (f) => ({ id: f.customerId }),
    },
  ],
  'Mutation.updateContact': [
    {
      as: 'contact',
      label: "takes over customer B's contact by changing its email",
      query:
        'mutation ($id: ID!) { updateContact(input: { contactId: $id, email: "mallory5@evil.example" }) { contact { id email } } }',
      variables: contactTarget,
    },
    {
      as: 'partner',
      label: "renames customer B's contact",
      query:
        'mutation ($id: ID!) { updateContact(input: { contactId: $id, name: "x" }) { contact { id } } }',
      variables: contactTarget,
    },
  ],
  'Mutation.removeContact': [
    {
      as: 'contact',
      label: "removes customer B's contact",
      query: 'mutation ($id: ID!) { removeContact(input: { contactId: $id }) { contact { id } } }',
      variables: contactTarget,
    },
    {
      as: 'partner',
      label: "removes customer B's contact",
      query: 'mutation ($id: ID!) { removeContact(input: { contactId: $id }) { contact { id } } }',
      variables: contactTarget,
    },
  ],
  'Query.staffUsers': [
    { as: 'contact', label: 'lists staff', query: '{ staffUsers { id email roles } }' },
    { as: 'partner', label: 'lists staff', query: '{ staffUsers { id email } }' },
    { as: 'anonymous', label: 'lists staff', query: '{ staffUsers { id } }' },
  ],
  'Mutation.inviteStaffUser': [
    {
      as: 'contact',
      label: 'invites itself as an admin',
      query:
        'mutation { inviteStaffUser(input: { email: "mallory@evil.example", name: "M", roles: [ADMIN] }) { staffUser { id } } }',
    },
    {
      as: 'partner',
      label: 'invites itself as an admin',
      query:
        'mutation { inviteStaffUser(input: { email: "mallory@evil.example", name: "M", roles: [ADMIN] }) { staffUser { id } } }',
    },
  ],
  'Mutation.updateStaffUserRoles': [
    {
      as: 'contact',
      label: "demotes the business's admin",
      query:
        'mutation ($id: ID!) { updateStaffUserRoles(input: { staffUserId: $id, roles: [SUPPORT] }) { staffUser { id } } }',
      variables: (f) => ({ id: f.staffUserId }),
    },
    {
      as: 'partner',
      label: "demotes the business's admin",
      query:
        'mutation ($id: ID!) { updateStaffUserRoles(input: { staffUserId: $id, roles: [SUPPORT] }) { staffUser { id } } }',
      variables: (f) => ({ id: f.staffUserId }),
    },
  ],
  'Mutation.disableStaffUser': [
    {
      as: 'contact',
      label: "disables the business's admin",
      query:
        'mutation ($id: ID!) { disableStaffUser(input: { staffUserId: $id }) { staffUser { id } } }',
      variables: (f) => ({ id: f.staffUserId }),
    },
    {
      as: 'partner',
      label: "disables the business's admin",
      query:
        'mutation ($id: ID!) { disableStaffUser(input: { staffUserId: $id }) { staffUser { id } } }',
      variables: (f) => ({ id: f.staffUserId }),
    },
  ],
  'Mutation.acceptStaffInvitation': [
    {
      as: 'anonymous',
      label: 'becomes staff with a guessed token',
      query:
        'mutation { acceptStaffInvitation(input: { token: "inv_guess", password: "a long enough passphrase" }) { accessToken } }',
    },
  ],
  'Query.auditLog': [
    {
      as: 'contact',
      label: "reads the audit log (customer B's changes)",
      query: '{ auditLog(first: 100) { nodes { entityId changes { field to } } } }',
    },
    {
      as: 'partner',
      label: 'reads the audit log',
      query: '{ auditLog(first: 100) { nodes { entityId } } }',
    },
  ],
};
