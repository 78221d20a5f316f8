#!/usr/bin/env bash
# Rebuilds tools/graphiql/dist/ from the npm registry: the GraphiQL explorer served at
# /graphiql, embedded in the binary so it works with no internet (no CDN).
# Pinned versions; the output is committed, so builds and CI never need npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
GRAPHIQL=3.8.3 REACT=18.3.1
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null
mkdir -p g r d && tar -xzf "graphiql-$GRAPHIQL.tgz" -C g && tar -xzf "react-$REACT.tgz" -C r && tar -xzf "react-dom-$REACT.tgz" -C d
mkdir -p "$here/dist"
cp g/package/graphiql.min.js g/package/graphiql.min.css "$here/dist/"
cp r/package/umd/react.production.min.js "$here/dist/react.min.js"
cp d/package/umd/react-dom.production.min.js "$here/dist/react-dom.min.js"
cp g/package/LICENSE "$here/dist/LICENSE.graphiql" 2>/dev/null || true
cp r/package/LICENSE "$here/dist/LICENSE.react"
printf 'graphiql %s\nreact %s\nreact-dom %s\n' "$GRAPHIQL" "$REACT" "$REACT" > "$here/dist/VERSIONS"
ls -la "$here/dist"
