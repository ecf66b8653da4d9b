#!/usr/bin/env bash
# Seeds the loopback registry (the engine's Docker Hub mirror) with stand-in base images built
# from Debian's packages, so Dockerfiles keep ordinary FROM lines offline:
#   busybox, alpine:3.19 ...      busybox-static, linux/amd64 + linux/arm64
#   node:20-alpine, node:20 ...   the machine's Node.js + npm on busybox, linux/amd64
#   golang:1.22-alpine ...        Debian's Go 1.24 toolchain on busybox, linux/amd64 + linux/arm64
# Images carry the machine's CA bundle so package installs reach registries through a
# TLS-intercepting proxy. A stamp of the inputs makes a second run a no-op.
set -euo pipefail
PREFIX=${GRADER_ENGINE_PREFIX:-/opt/bk-grader}
STATE=${GRADER_ENGINE_STATE:-/var/lib/bk-grader}
REG=127.0.0.1:${GRADER_MIRROR_PORT:-5000}
log() { printf '[seed %5ss] %s\n' "$SECONDS" "$*"; }

NODE_BIN=$(command -v node)
NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
CA=/etc/ssl/certs/ca-certificates.crt
stamp_src="$(sha256sum "$0" | cut -c1-16) $("$NODE_BIN" --version) $(sha256sum "$CA" | cut -c1-16) $(ls "$PREFIX"/go-amd64/usr/lib) $(/bin/busybox 2>&1 | sed -n 1p)"
stamp=$(printf '%s' "$stamp_src" | sha256sum | cut -c1-32)
have() { curl -fsS -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json' "http://$REG/v2/library/$1/manifests/$2"; }
if [ "$(cat "$STATE/seed.stamp" 2>/dev/null)" = "$stamp" ] && have busybox latest && have node 20-alpine && have golang 1.22-alpine; then
  log "base images already seeded ($stamp)"; exit 0
fi
# --check: only say whether seeding is needed (exit 1), without seeding.
[ "${1:-}" = "--check" ] && exit 1

W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
# A busybox root for one architecture: the static binary, an applet link farm, and the small
# /etc a package manager or a non-root USER expects.
mkroot() { # arch busybox-binary dir
  local d=$3
  mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,etc/ssl/certs,tmp,root,home,var/tmp,run}
  cp "$2" "$d/bin/busybox"
  for a in $(/bin/busybox --list-full); do
    [ "$a" = bin/busybox ] && continue
    mkdir -p "$d/$(dirname "$a")"; ln -sf /bin/busybox "$d/$a"
  done
  chmod 1777 "$d/tmp" "$d/var/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nnode:x:1000:1000:node:/home/node:/bin/sh\n' >"$d/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnode:x:1000:\n' >"$d/etc/group"
  mkdir -p "$d/home/node"; chown 1000:1000 "$d/home/node"
  cp "$CA" "$d/etc/ssl/certs/ca-certificates.crt"
  ln -sf certs/ca-certificates.crt "$d/etc/ssl/cert.pem"
}
mkroot amd64 /bin/busybox "$W/bb/rootfs-amd64"
mkroot arm64 "$PREFIX/busybox-arm64/bin/busybox" "$W/bb/rootfs-arm64"
printf 'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nCMD ["sh"]\n' >"$W/bb/Dockerfile"
log "busybox / alpine (amd64, arm64)"
docker buildx build -q --provenance=false --platform linux/amd64,linux/arm64 --push \
  -t $REG/library/busybox:latest -t $REG/library/busybox:1.36 -t $REG/library/busybox:stable \
  -t $REG/library/alpine:latest -t $REG/library/alpine:3.19 -t $REG/library/alpine:3.20 -t $REG/library/alpine:3.18 \
  "$W/bb" >/dev/null

log "node (amd64: $("$NODE_BIN" --version), npm $(npm --version))"
mkdir -p "$W/node/root/usr/local/bin" "$W/node/root/usr/local/lib/node_modules"
cp "$NODE_BIN" "$W/node/root/usr/local/bin/node"
cp -a "$NPM_DIR" "$W/node/root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$W/node/root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$W/node/root/usr/local/bin/npx"
for lib in $(ldd "$NODE_BIN" | awk '/=> \//{print $3} /^\t\/lib/{print $1}'); do
  mkdir -p "$W/node/root$(dirname "$lib")"; cp -L "$lib" "$W/node/root$lib"
done
cat >"$W/node/Dockerfile" <<'DF'
FROM busybox
COPY root/ /
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt NODE_VERSION=20
CMD ["node"]
DF
docker buildx build -q --provenance=false --platform linux/amd64 --push \
  -t $REG/library/node:20-alpine -t $REG/library/node:20 -t $REG/library/node:20-slim \
  -t $REG/library/node:lts-alpine -t $REG/library/node:20-alpine3.19 -t $REG/library/node:latest \
  "$W/node" >/dev/null

log "golang (Go $(ls "$PREFIX"/go-amd64/usr/lib), amd64 + arm64)"
mkdir -p "$W/go"
# The build context does not follow symlinks: hard-link the toolchains in (copy across filesystems).
for a in amd64 arm64; do cp -al "$PREFIX/go-$a" "$W/go/go-$a" 2>/dev/null || cp -a "$PREFIX/go-$a" "$W/go/go-$a"; done
cat >"$W/go/Dockerfile" <<'DF'
FROM busybox
ARG TARGETARCH
COPY go-${TARGETARCH}/usr/ /usr/
RUN ["/bin/busybox", "sh", "-c", "mkdir -p /usr/local && ln -s /usr/lib/go-1.24 /usr/local/go && mkdir -p /go/bin /go/pkg && chmod -R 1777 /go"]
ENV GOROOT=/usr/local/go GOPATH=/go GOTOOLCHAIN=local CGO_ENABLED=0 GOPROXY=off GOFLAGS=-mod=mod \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
DF
# The RUN above executes busybox for the target platform, under QEMU for arm64.
docker buildx build -q --provenance=false --network host --platform linux/amd64,linux/arm64 --push \
  -t $REG/library/golang:1.22-alpine -t $REG/library/golang:1.22 -t $REG/library/golang:alpine \
  -t $REG/library/golang:latest -t $REG/library/golang:1.22-alpine3.19 \
  "$W/go" >/dev/null
echo "$stamp" >"$STATE/seed.stamp"
log "seeded $REG"
