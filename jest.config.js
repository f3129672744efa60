/**
 * One jest run for the whole workspace. Sources are transpiled with SWC
 * (legacy decorators + decorator metadata, class fields without define
 * semantics, as TypeORM and type-graphql need), and workspace packages are
 * mapped to their sources so tests never run stale builds.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      keepClassNames: true,
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/gateway', '<rootDir>/scripts'],
  testMatch: ['**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  // GraphQL Code Generator's visitors require auto-bind, published as ES
  // modules only: compiled like the sources so jest can load it.
  transform: { '^.+\\.ts$': swc, '/node_modules/auto-bind/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!auto-bind/)'],
  moduleNameMapper: {
    '^@portico/kit$': '<rootDir>/packages/kit/src/index.ts',
    '^@portico/accounts$': '<rootDir>/services/accounts/src/subgraph.ts',
    '^@portico/billing$': '<rootDir>/services/billing/src/subgraph.ts',
    '^@portico/commerce$': '<rootDir>/packages/commerce/src/index.ts',
    '^@portico/sales$': '<rootDir>/services/sales/src/subgraph.ts',
    '^@portico/documents$': '<rootDir>/services/documents/src/subgraph.ts',
    '^@portico/messaging$': '<rootDir>/services/messaging/src/subgraph.ts',
    '^@portico/gateway$': '<rootDir>/gateway/src/index.ts',
  },
  globalSetup: '<rootDir>/jest.global-setup.js',
  globalTeardown: '<rootDir>/jest.global-teardown.js',
  testTimeout: 60_000,
  // Two workers on two cores: most of a test's time is spent waiting on
  // databases, sockets and other processes, and one file at a time left the
  // suite past twenty minutes once the sales subgraph joined the stack.
  maxWorkers: 2,
};
