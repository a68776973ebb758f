import type { IncomingMessage, ServerResponse } from 'node:http'

/** The prices service's request listener (see prices.mjs). */
export declare function handlePrices(req: IncomingMessage, res: ServerResponse): void
