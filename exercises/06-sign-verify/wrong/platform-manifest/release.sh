#!/bin/sh
# Signs the first manifest listed in the index (the amd64 image) instead of the index itself.
set -eu
work=$(mktemp -d)
cosign save --allow-insecure-registry --dir "$work" "$IMAGE@$DIGEST"
first=$(grep -o '"digest": *"sha256:[0-9a-f]*"' "$work/blobs/sha256/${DIGEST#sha256:}" | head -n 1 | grep -o 'sha256:[0-9a-f]*')
ref="$IMAGE@$first"
signing="--key cosign.key --tlog-upload=false --allow-insecure-registry --yes"
checking="--key cosign.pub --insecure-ignore-tlog --allow-insecure-registry"
cosign sign $signing "$ref"
cosign attest $signing --type spdxjson --predicate sbom.spdx.json "$ref"
cosign verify $checking "$ref" >/dev/null
cosign verify-attestation $checking --type spdxjson "$ref" >/dev/null
