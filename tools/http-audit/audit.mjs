// Runs the graphql-http audit suite (the GraphQL-over-HTTP specification's MUST and SHOULD
// checks) against a running investigator and prints one JSON line per audit:
//   node audit.mjs <url of /graphql> <bearer token>
// Every request carries the token (the API refuses anonymous callers).
import { auditServer } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node audit.mjs <url> <token>');
  process.exit(2);
}
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};
const results = await auditServer({ url, fetchFn });
for (const r of results) {
  const line = { id: r.id, name: r.name, status: r.status };
  if (r.status !== 'ok') line.reason = r.reason;
  console.log(JSON.stringify(line));
}
