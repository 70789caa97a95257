#!/usr/bin/env bash
# Checks Kubernetes manifests (default: docs/cluster/k8s-indexed-job.yaml) against the Kubernetes
# API schema, with npm's kubernetes-models (the Kubernetes OpenAPI definitions as compiled
# validators and TypeScript interfaces), two ways:
#   1. each document's validate(): types, required fields, enums, formats (Ajv, from the
#      OpenAPI schema) — e.g. `storage: [1]` or `completionMode: indexed` fail;
#   2. tsc on the document assigned to its interface: the excess-property check rejects any field
#      the API does not define (what `kubectl apply --validate=strict` rejects), e.g. a
#      misspelt `completionMod`, which the schema alone lets through.
# Exit 0 only if every document passes both. Needs node and npm (installed from Debian if missing)
# and the npm registry; the packages go into a temporary folder.
# Usage: scripts/k8s-validate.sh [MANIFEST.yaml...]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npm >/dev/null || scripts/deps.sh nodejs npm
manifests=("$@"); [ ${#manifests[@]} -gt 0 ] || manifests=(docs/cluster/k8s-indexed-job.yaml)
for i in "${!manifests[@]}"; do manifests[i]=$(realpath "${manifests[i]}"); done

tmp=$(mktemp -d /tmp/faultline-k8s.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
# Pinned: kubernetes-models 5.1.0 carries the schema of a recent Kubernetes release (batch/v1
# Job with completionMode, podFailurePolicy, successPolicy).
echo '{"private": true, "type": "module"}' >package.json
npm install --no-audit --no-fund --silent --no-save kubernetes-models@5.1.0 yaml@2.9.1 \
  typescript@5.9.3 >/dev/null

cat >check.mjs <<'EOF'
// Validates every document of a manifest with kubernetes-models, and writes check.ts, which
// assigns each document to its interface for tsc's unknown-field check.
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
const [file, tsOut] = process.argv.slice(2);
let failed = 0, ts = "";
for (const [i, doc] of parseAllDocuments(readFileSync(file, "utf8")).entries()) {
  if (doc.errors.length) { console.error(`${file}: document ${i}: ${doc.errors[0].message}`); failed++; continue; }
  const obj = doc.toJS();
  const where = `${file}: document ${i}: ${obj.apiVersion} ${obj.kind} ${obj.metadata?.name ?? ""}`;
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
  const module = `kubernetes-models/${group ? group + "/" : ""}${version}/${obj.kind}`;
  try {
    const model = (await import(module))[obj.kind];
    new model(obj).validate();
    console.log(`${where}: schema valid`);
  } catch (e) { console.error(`${where}: ${e.message}`); failed++; }
  ts += `// ${where}\nimport type { I${obj.kind} as T${i} } from "${module}";\n`;
  ts += `export const document${i}: T${i} = ${JSON.stringify(obj, null, 2)};\n`;
}
writeFileSync(tsOut, ts);
process.exit(failed ? 1 : 0);
EOF
echo '{"compilerOptions": {"strict": true, "noEmit": true, "module": "nodenext",
  "moduleResolution": "nodenext", "skipLibCheck": true, "types": []}, "files": ["check.ts"]}' >tsconfig.json

status=0
for m in "${manifests[@]}"; do
  node check.mjs "$m" check.ts || status=1
  if npx --no-install tsc -p . >tsc.out 2>&1; then
    echo "$m: no field unknown to the Kubernetes API"
  else
    echo "$m: fields the Kubernetes API does not define (or of the wrong type):" >&2
    sed 's/^/  /' tsc.out >&2; status=1
  fi
done
exit "$status"
