import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

// The project's own tests and examples import `tracewright` by its public name; inside the repo
// those names point at the sources, and test/package.test.ts checks the built package separately.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^tracewright\/vitest$/, replacement: here('./matchers/vitest.ts') },
      { find: /^tracewright\/instrument$/, replacement: here('./src/instrument.ts') },
      { find: /^tracewright\/matchers$/, replacement: here('./matchers/index.ts') },
      { find: /^tracewright$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    setupFiles: [here('./matchers/vitest.ts')],
    // Builds examples/go, python and java, and the deployed tests' Collector and Jaeger, once,
    // outside every test's timeout.
    globalSetup: [here('./examples/polyglot/build.global-setup.ts'), here('./test/deployed/build.global-setup.ts')],
    include: ['test/**/*.test.ts', 'examples/**/*.spec.ts'],
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    testTimeout: 15_000,
    hookTimeout: 30_000,
  },
})
