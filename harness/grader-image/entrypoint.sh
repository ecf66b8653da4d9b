#!/bin/sh
# Runs first in the grader container (privileged), then the command it was given. A set-up
# that cannot be done exits 2, as grade does when grading could not be done (1 is a failed check).
set -u
fail() { echo "grader image: $*" >&2; exit 2; }

# cgroup v2 (GitHub's runners, Docker Desktop, current Linux): the container is the root of its
# own cgroup namespace, and a cgroup that holds processes cannot hand controllers to children.
# Move this container's processes to a leaf, so that each run's cgroup can get memory and pids.
# Only at our own namespace's root ("0::/"): never move a host's processes.
if [ -f /sys/fs/cgroup/cgroup.controllers ] && [ "$(cat /proc/self/cgroup)" = "0::/" ]; then
  mkdir -p /sys/fs/cgroup/grader || fail "cannot make a cgroup (is the container privileged?)"
  for pid in $(cat /sys/fs/cgroup/cgroup.procs); do
    echo "$pid" > /sys/fs/cgroup/grader/cgroup.procs 2>/dev/null || true
  done
  echo "+memory +pids" > /sys/fs/cgroup/cgroup.subtree_control \
    || fail "cannot hand the memory and pids controllers to the runs' cgroups"
fi

# arm64 RUN steps need QEMU registered with the kernel. Docker Desktop and most CI set-ups have
# it; where it is missing, register the image's own (F: the kernel keeps the interpreter open,
# so it works in every container).
if [ "$(uname -m)" = x86_64 ]; then
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  if [ -e /proc/sys/fs/binfmt_misc/register ] && [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    sed 's/:\([A-EG-Z]*\)$/:\1F/' /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register 2>/dev/null \
      && echo "grader image: registered QEMU for arm64 with the kernel" >&2 || true
  fi
fi

# Base images: the host's mirror when it named one (GRADER_MIRROR); else a pull-through cache of
# Docker Hub kept in a volume of the host's engine, so a base image is pulled once per machine and
# not once per grading (each run's engine starts empty). GRADER_HUB_UPSTREAM names another
# upstream (a company's registry; the tests' stand-in for Docker Hub). With the machine's Docker Hub login
# where it has one: anonymous pulls from shared runner addresses meet Docker Hub's limits.
cache=/var/lib/bk-grader/hub-cache
login_user=${GRADER_HUB_USERNAME:-}
login_password=${GRADER_HUB_PASSWORD:-}
unset GRADER_HUB_USERNAME GRADER_HUB_PASSWORD
if [ -z "${GRADER_MIRROR:-}" ] && [ -d "$cache" ]; then
  # A port of its own: on the host's network (an engine without a bridge) a fixed one could be
  # another program's, or another grading's.
  port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })") \
    || fail "no free port for the Docker Hub cache"
  {
    echo "version: 0.1"
    echo "log: { level: error, accesslog: { disabled: true } }"
    echo "storage: { filesystem: { rootdirectory: $cache }, delete: { enabled: true } }"
    echo "http: { addr: 127.0.0.1:$port }"
    echo "proxy:"
    echo "  remoteurl: ${GRADER_HUB_UPSTREAM:-https://registry-1.docker.io}"
  } > /tmp/hub-cache.yml
  # The login reaches the registry alone, through its environment, never a file or the grader.
  if [ -n "$login_user" ] && [ -n "$login_password" ]; then
    REGISTRY_PROXY_USERNAME=$login_user REGISTRY_PROXY_PASSWORD=$login_password \
      docker-registry serve /tmp/hub-cache.yml >/tmp/hub-cache.log 2>&1 &
  else
    docker-registry serve /tmp/hub-cache.yml >/tmp/hub-cache.log 2>&1 &
  fi
  registry=$!
  unset login_user login_password
  i=0
  until node -e "fetch('http://127.0.0.1:$port/v2/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; do
    kill -0 "$registry" 2>/dev/null || fail "the Docker Hub cache stopped: $(tail -3 /tmp/hub-cache.log)"
    i=$((i + 1)); [ "$i" -lt 50 ] || fail "the Docker Hub cache did not start: $(tail -3 /tmp/hub-cache.log)"
    sleep 0.1
  done
  export GRADER_MIRROR=http://127.0.0.1:$port
fi
unset login_user login_password

# The command runs as a child, so the outputs can be handed back to the host's user after it:
# only what this grading wrote (newer than the mark), never the rest of the folder it was given.
touch /tmp/started
# On `docker stop`, tini signals the whole group: this shell must outlive the grader's cleanup
# (a shell killed by SIGTERM ends the container, and with it the cleanup, at once).
node --import tsx /grader/harness/cli/main.ts "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true' TERM INT HUP
status=0
wait "$child" || status=$?
while kill -0 "$child" 2>/dev/null; do
  status=0
  wait "$child" || status=$?
done
if [ -n "${GRADER_OWNER:-}" ] && [ -d /out ]; then
  find /out -newer /tmp/started -exec chown -h "$GRADER_OWNER" {} + 2>/dev/null || true
fi
exit "$status"
