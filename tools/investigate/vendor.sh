#!/usr/bin/env bash
# Rebuilds tools/investigate/dist/ from the npm registry: Cytoscape.js (graph drawing),
# dagre and cytoscape-dagre (layered layout for lineage), used by the investigation page at
# /investigate and embedded in the binary so the page works with no internet (no CDN).
# Pinned versions; the output is committed, so builds and CI never need npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CYTOSCAPE=3.35.0 DAGRE=0.8.5 CYTOSCAPE_DAGRE=2.5.0
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "cytoscape@$CYTOSCAPE" "dagre@$DAGRE" "cytoscape-dagre@$CYTOSCAPE_DAGRE" >/dev/null
mkdir -p c d cd && tar -xzf "cytoscape-$CYTOSCAPE.tgz" -C c && tar -xzf "dagre-$DAGRE.tgz" -C d \
  && tar -xzf "cytoscape-dagre-$CYTOSCAPE_DAGRE.tgz" -C cd
mkdir -p "$here/dist"
cp c/package/dist/cytoscape.min.js "$here/dist/cytoscape.min.js"
cp d/package/dist/dagre.min.js "$here/dist/dagre.min.js"
cp cd/package/cytoscape-dagre.js "$here/dist/cytoscape-dagre.js"
cp c/package/LICENSE "$here/dist/LICENSE.cytoscape"
cp d/package/LICENSE "$here/dist/LICENSE.dagre"
cp cd/package/LICENSE "$here/dist/LICENSE.cytoscape-dagre"
printf 'cytoscape %s\ndagre %s\ncytoscape-dagre %s\n' "$CYTOSCAPE" "$DAGRE" "$CYTOSCAPE_DAGRE" > "$here/dist/VERSIONS"
ls -la "$here/dist"
