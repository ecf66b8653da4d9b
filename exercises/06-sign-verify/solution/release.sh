#!/bin/sh
# Offline release: sign the pushed index by its digest with the project's key, attach the SBOM
# as an SPDX attestation, and refuse to finish unless both verify with the public key.
set -eu
: "${IMAGE:?IMAGE is the repository}" "${DIGEST:?DIGEST is the index digest}"

ref="$IMAGE@$DIGEST"
# The course registry speaks plain HTTP and there is no transparency log offline.
signing="--key cosign.key --tlog-upload=false --allow-insecure-registry --yes"
checking="--key cosign.pub --insecure-ignore-tlog --allow-insecure-registry"

cosign sign $signing "$ref"
cosign attest $signing --type spdxjson --predicate sbom.spdx.json "$ref"

cosign verify $checking "$ref" >/dev/null
cosign verify-attestation $checking --type spdxjson "$ref" >/dev/null
echo "released $ref: signature and SBOM verified"
