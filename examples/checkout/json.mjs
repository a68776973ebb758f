// JSON in and out of node:http, shared by the three services (no tracing here: fraud uses it too).

/** Reads a request body as JSON; undefined when it is not JSON. */
export async function readJson(req) {
  let text = ''
  for await (const chunk of req) text += chunk
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Answers `status` with `body` as JSON. */
export function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}
