// What examples/orders/orders.spec.ts imports from 'vitest', taken from Jest: the jest config maps
// 'vitest' here, so the very spec vitest runs also runs under Jest, unchanged.
export { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
