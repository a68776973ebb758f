// Jest runs the specs as native ES modules (`node --experimental-vm-modules`, as Jest's ESM
// support needs), TypeScript through ./strip-types.js. Inside the repo `tracewright` names the
// sources, as in vitest.config.ts (test/package.test.ts checks the built package); `./x.js`
// imports name TypeScript sources, as tsc wants them written.
const root = new URL('../../', import.meta.url).pathname

export default {
  rootDir: root,
  roots: ['<rootDir>/examples', '<rootDir>/test'],
  // examples/orders/orders.spec.ts is vitest's spec, run here unchanged (see ./vitest-as-jest.ts).
  testMatch: ['<rootDir>/{examples,test}/**/*.jest.ts', '<rootDir>/examples/orders/orders.spec.ts'],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: { '\\.ts$': '<rootDir>/examples/jest/strip-types.js' },
  moduleNameMapper: {
    '^tracewright$': '<rootDir>/src/index.ts',
    '^tracewright/jest$': '<rootDir>/matchers/jest.ts',
    '^tracewright/matchers$': '<rootDir>/matchers/index.ts',
    '^tracewright/instrument$': '<rootDir>/src/instrument.ts',
    '^vitest$': '<rootDir>/examples/jest/vitest-as-jest.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // A user writes 'tracewright/jest'; set-up files are resolved without moduleNameMapper.
  setupFilesAfterEnv: ['<rootDir>/matchers/jest.ts'],
  snapshotResolver: '<rootDir>/examples/jest/snapshot-resolver.js',
}
