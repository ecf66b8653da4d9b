#!/usr/bin/env bash
# Installs a real Docker engine (dockerd + BuildKit, buildx, containerd, runc), QEMU user
# emulation, a registry server and cosign from Debian's packages into a private prefix, then
# starts the shared engine and the loopback base-image registry. Idempotent: a second run with
# everything in place only checks that the services answer.
#
# Trixie packages are fetched with a private source list and unpacked (never installed) so the
# system's apt sources and libc stay as they are.
set -euo pipefail
# Scripts here avoid `cmd | head`: with pipefail, head closing early makes cmd die of SIGPIPE.

PREFIX=${GRADER_ENGINE_PREFIX:-/opt/bk-grader}
STATE=${GRADER_ENGINE_STATE:-/var/lib/bk-grader}
MIRROR_PORT=${GRADER_MIRROR_PORT:-5000}
log() { printf '[provision %5ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'provision: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs Debian packages and starts dockerd)"
command -v apt-get >/dev/null || die "needs a Debian or Ubuntu machine with apt-get"
mkdir -p "$PREFIX" "$STATE"

# --- 1. bookworm packages installed the ordinary way ------------------------------------------
# arch-test: mmdebstrap refuses a foreign-architecture root (the arm64 Debian stand-in) without it,
# and it is only a Recommends, which --no-install-recommends leaves out.
need_apt=()
for p in runc iptables iproute2 e2fsprogs util-linux qemu-user-static binfmt-support docker-registry busybox-static zstd curl mmdebstrap arch-test openssh-server openssh-client git; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq >/dev/null
  # No package may start a system service (openssh-server would listen on :22): the grader
  # starts what it needs per run, inside the run's network.
  policy=/usr/sbin/policy-rc.d
  had_policy=0
  [ -e "$policy" ] && had_policy=1
  [ "$had_policy" = 1 ] || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  [ "$had_policy" = 1 ] || rm -f "$policy"
fi
# The account a run's Git server over SSH serves as: no password, no shell but git-shell.
# Its password field is "*" (no password can match), not "!" (locked): sshd refuses locked
# accounts even for keys.
if ! id bk-git >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir / --shell /usr/bin/git-shell bk-git
fi
usermod -p '*' -d / bk-git
# The Debian registry package starts a system service on :5000; ours is managed here instead.
if systemctl is-active docker-registry >/dev/null 2>&1; then systemctl stop docker-registry || true; fi
pkill -f '^/usr/bin/docker-registry serve /etc/docker/registry' 2>/dev/null || true

# --- 2. trixie packages, unpacked into $PREFIX --------------------------------------------------
if [ ! -x "$PREFIX/usr/sbin/dockerd" ] || [ ! -x "$PREFIX/usr/libexec/docker/cli-plugins/docker-buildx" ] \
   || [ ! -x "$PREFIX/usr/bin/cosign" ] || [ ! -d "$PREFIX/go-arm64/usr/lib" ] || [ ! -d "$PREFIX/go-amd64/usr/lib" ] \
   || [ ! -f "$PREFIX/busybox-arm64/bin/busybox" ]; then
  TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
  # awk, not `| head`: under pipefail a head that closes early kills the script with SIGPIPE.
  mirror=$(awk '/^URIs: /{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  echo "deb $mirror trixie main" > "$TMP/trixie.list"
  echo "deb $mirror bookworm main" > "$TMP/bookworm.list"
  mkdir -p "$TMP/lt/partial" "$TMP/lb/partial" "$TMP/debs" "$TMP/arm"
  T=(-o Dir::Etc::sourcelist="$TMP/trixie.list" -o Dir::Etc::sourceparts=- -o APT::Sandbox::User=root -o Dir::State::Lists="$TMP/lt" -o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
  B=(-o Dir::Etc::sourcelist="$TMP/bookworm.list" -o Dir::Etc::sourceparts=- -o APT::Sandbox::User=root -o Dir::State::Lists="$TMP/lb" -o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
  log "reading trixie and bookworm package lists (private, not added to the system)"
  apt-get "${T[@]}" update -qq >/dev/null
  apt-get "${B[@]}" update -qq >/dev/null
  log "downloading dockerd, buildx, containerd, tini, cosign, Go toolchains, arm64 busybox"
  (cd "$TMP/debs" && apt-get "${T[@]}" download -qq docker.io docker-buildx containerd tini cosign golang-1.24-go golang-1.24-src >/dev/null)
  (cd "$TMP/arm" && apt-get "${T[@]}" download -qq golang-1.24-go:arm64 >/dev/null)
  (cd "$TMP/arm" && apt-get "${B[@]}" download -qq busybox-static:arm64 >/dev/null)
  for f in "$TMP"/debs/*.deb; do dpkg -x "$f" "$PREFIX"; done
  # The Go toolchains become the stand-in golang image, one root per platform; the sources
  # package is architecture-independent and shared by both.
  for a in amd64 arm64; do rm -rf "$PREFIX/go-$a"; mkdir -p "$PREFIX/go-$a"; done
  dpkg -x "$TMP"/debs/golang-1.24-go_*.deb "$PREFIX/go-amd64"
  dpkg -x "$TMP"/arm/golang-1.24-go_*arm64.deb "$PREFIX/go-arm64"
  for a in amd64 arm64; do dpkg -x "$TMP"/debs/golang-1.24-src_*.deb "$PREFIX/go-$a"; done
  rm -rf "$PREFIX/busybox-arm64"; mkdir -p "$PREFIX/busybox-arm64"
  dpkg -x "$TMP"/arm/busybox-static_*arm64.deb "$PREFIX/busybox-arm64"
  rm -rf "$TMP"; trap - EXIT
fi

# docker finds CLI plugins in ~/.docker/cli-plugins; link buildx there for the docker client.
mkdir -p "${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
ln -sf "$PREFIX/usr/libexec/docker/cli-plugins/docker-buildx" "${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-buildx"
for b in dockerd containerd containerd-shim-runc-v2 docker-proxy docker-init cosign; do
  src=""
  for candidate in "$PREFIX/usr/sbin/$b" "$PREFIX/usr/bin/$b"; do [ -x "$candidate" ] && { src=$candidate; break; }; done
  [ -n "$src" ] && ln -sf "$src" "/usr/local/bin/$b"
done
[ -e /usr/local/bin/docker-init ] || ln -sf "$PREFIX/usr/bin/tini-static" /usr/local/bin/docker-init 2>/dev/null || true

# --- 3. QEMU binfmt for arm64 ------------------------------------------------------------------
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || update-binfmts --import qemu-aarch64 >/dev/null 2>&1 || true
fi
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || log "warning: qemu-aarch64 binfmt not registered; arm64 RUN steps will fail"

# --- 4. the base-image registry (Docker Hub mirror on loopback) --------------------------------
# Served read-only: grading runs reach it only through a GET-only proxy anyway, and nothing on
# this machine but provisioning should change the images every run starts from. Seeding uses
# the same storage with a writable configuration, briefly.
mkdir -p "$STATE/registry"
write_registry_config() { # file readonly(true|false)
  cat > "$1" <<YML
version: 0.1
log: { level: error, accesslog: { disabled: true } }
storage:
  filesystem: { rootdirectory: $STATE/registry }
  delete: { enabled: false }
  maintenance: { readonly: { enabled: $2 }, uploadpurging: { enabled: false } }
http: { addr: 127.0.0.1:$MIRROR_PORT }
YML
}
write_registry_config "$STATE/registry-ro.yml" true
write_registry_config "$STATE/registry-seed.yml" false
registry_up() { curl -fsS "http://127.0.0.1:$MIRROR_PORT/v2/" >/dev/null 2>&1; }
start_registry() { # config
  setsid nohup docker-registry serve "$1" >"$STATE/registry.log" 2>&1 </dev/null &
  for _ in $(seq 50); do registry_up && return 0; sleep 0.1; done
  die "registry did not start; see $STATE/registry.log"
}
stop_registry() {
  pkill -f "docker-registry serve $STATE/registry" 2>/dev/null || true
  for _ in $(seq 50); do registry_up || return 0; sleep 0.1; done
}
# A registry on the port that is not the read-only one (an older provisioning's) is replaced.
if registry_up && ! pgrep -f "docker-registry serve $STATE/registry-ro.yml" >/dev/null; then
  log "restarting the base-image registry read-only"
  stop_registry
fi
registry_up || { log "starting base-image registry on 127.0.0.1:$MIRROR_PORT (read-only)"; start_registry "$STATE/registry-ro.yml"; }

# --- 5. the shared engine (seeding, plain `docker` use) ----------------------------------------
E="$STATE/engine"; mkdir -p "$E"
cat > "$E/daemon.json" <<JSON
{ "features": { "containerd-snapshotter": true },
  "data-root": "$E/data", "exec-root": "$E/exec", "pidfile": "$E/docker.pid",
  "hosts": ["unix:///var/run/docker.sock"],
  "bridge": "none", "iptables": false, "ip6tables": false,
  "registry-mirrors": ["http://127.0.0.1:$MIRROR_PORT"], "insecure-registries": ["127.0.0.1:$MIRROR_PORT"] }
JSON
if ! docker version >/dev/null 2>&1; then
  log "starting dockerd (shared engine on /var/run/docker.sock)"
  PATH="$PREFIX/usr/sbin:$PREFIX/usr/bin:$PATH" setsid nohup dockerd --config-file "$E/daemon.json" >"$E/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 100); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
fi
docker version >/dev/null 2>&1 || die "dockerd did not answer; see $E/dockerd.log"
docker buildx version >/dev/null || die "docker buildx is missing"

# --- 6. stand-in base images -------------------------------------------------------------------
if ! bash "$(dirname "$0")/seed-images.sh" --check; then
  stop_registry; start_registry "$STATE/registry-seed.yml"
  bash "$(dirname "$0")/seed-images.sh"
  stop_registry; start_registry "$STATE/registry-ro.yml"
fi
# --- 7. the grader image's Debian packages -----------------------------------------------------
# Learners' machines build the grader image with Debian's archive in reach; the tests here build it
# from these files instead (GRADER_IMAGE_DEBS), so no test reaches outside the machine. Fetched by
# the image's own `debs` stage, in a folder named by the Dockerfile's hash: a changed package list
# fetches again.
GI="$(cd "$(dirname "$0")/../grader-image" && pwd)"
DEBS="$STATE/grader-debs-$(sha256sum "$GI/Dockerfile" | cut -c1-12)"
if [ ! -d "$DEBS/trixie" ]; then
  log "fetching the grader image's Debian packages into $DEBS"
  rm -rf "$STATE"/grader-debs-* ; CTX=$(mktemp -d)
  docker buildx build -q --network host --target debs --output "type=local,dest=$DEBS.part" -f "$GI/Dockerfile" "$CTX" >/dev/null
  rmdir "$CTX"; chmod -R a+rX "$DEBS.part"; mv "$DEBS.part" "$DEBS"
fi
ln -sfn "$DEBS" "$STATE/grader-debs"

log "engine ready: $(docker version -f 'dockerd {{.Server.Version}}'), $(docker buildx version | cut -d' ' -f1-2)"
