// What the subgraphs that deal with a business's customers in money share:
// the read model of accounts' customers and organisation, the parties frozen
// on documents, money as GraphQL shows it, signed file links and PDF drawing.
export * from './directory/accounts-events';
export * from './directory/directory.entity';
export * from './directory/directory-tables';
export * from './directory/customer-directory';
export * from './directory/party';
export * from './directory/directory-testing';
export * from './money.type';
export * from './documents/signed-url';
export * from './documents/file-routes';
export * from './documents/document-locale';
export * from './documents/pdf';
export * from './lines/line-amounts';
export * from './lines/line-rules';
export * from './lines/number-sequence.entity';
export * from './lines/number-sequence';
