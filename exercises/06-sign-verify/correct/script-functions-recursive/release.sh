#!/bin/sh
# Same release, another spelling: functions, the full predicate URI, --recursive signing
# (the index and each platform image), and the reference built with printf.
set -e
set -u

registry_flags() { printf '%s' "--allow-insecure-registry"; }

sign_and_attest() {
	cosign sign --recursive --key cosign.key --tlog-upload=false $(registry_flags) -y "$1"
	cosign attest --key cosign.key --tlog-upload=false $(registry_flags) -y \
		--type https://spdx.dev/Document --predicate ./sbom.spdx.json "$1"
}

check() {
	cosign verify --key ./cosign.pub --insecure-ignore-tlog=true $(registry_flags) "$1" > /dev/null &&
		cosign verify-attestation --key ./cosign.pub --insecure-ignore-tlog=true $(registry_flags) \
			--type spdxjson "$1" > /dev/null
}

index=$(printf '%s@%s' "${IMAGE}" "${DIGEST}")
sign_and_attest "$index"
if ! check "$index"; then
	echo "release refused: $index does not verify" >&2
	exit 1
fi
