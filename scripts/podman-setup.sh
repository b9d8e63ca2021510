#!/usr/bin/env bash
# Makes this machine able to build and run containers without a Docker engine: Debian's podman (4.3), runc, debootstrap
# for the stand-in base image, and the containers.conf settings this sandbox needs. Idempotent; needs root.
#   bash scripts/podman-setup.sh
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "podman-setup: run as root (it installs Debian packages and writes /etc/containers/containers.conf)" >&2
  exit 1
fi

missing=()
command -v podman >/dev/null || missing+=(podman)            # builds the Dockerfile and runs the image
command -v runc >/dev/null || missing+=(runc)                # the runtime for hybrid cgroups (below)
command -v debootstrap >/dev/null || missing+=(debootstrap)  # the Debian root file system of the stand-in base
[ -x /usr/bin/catatonit ] || missing+=(catatonit)            # `podman run --init`, what compose's `init: true` asks for
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Each setting is written only if it is not already so; every other line of the file stays as it was.
conf=${PODMAN_CONTAINERS_CONF:-/etc/containers/containers.conf}
mkdir -p "$(dirname "$conf")"
touch "$conf"

# set_key SECTION KEY VALUE: rewrites KEY's assignment (a list spread over lines too, up to its `]`) if it has another
# value, else adds it under [SECTION], appending the section if the file has none. KEY must belong to one section only.
set_key() {
  local section=$1 key=$2 value=$3
  local want="$key = $value"
  if grep -Eq "^[[:space:]]*$key[[:space:]]*=" "$conf"; then
    if grep -E "^[[:space:]]*$key[[:space:]]*=" "$conf" | sed -E 's/[[:space:]]+//g' | grep -qxF "$key=$value"; then return 0; fi
    awk -v key="$key" -v line="$want" '
      skipping { if ($0 ~ /\]/) skipping = 0; next }
      $0 ~ ("^[[:space:]]*" key "[[:space:]]*=") { print line; if ($0 ~ /\[/ && $0 !~ /\]/) skipping = 1; next }
      { print }
    ' "$conf" > "$conf.tmp"
  elif grep -Eq "^[[:space:]]*\[$section\][[:space:]]*$" "$conf"; then
    awk -v header="[$section]" -v line="$want" '{ print } !done && $1 == header { print line; done = 1 }' "$conf" > "$conf.tmp"
  else
    { cat "$conf"; printf '\n[%s]\n%s\n' "$section" "$want"; } > "$conf.tmp"
  fi
  mv "$conf.tmp" "$conf"
}

# The sandbox refuses the rlimits podman sets on every container by default.
set_key containers default_ulimits '[]'
# crun, podman's default runtime, refuses a hybrid cgroup layout (v1 controllers beside a cgroup2 mount that has
# controllers: "cgroups in hybrid mode not supported"), which these machines have; runc runs containers there.
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ] && grep -q . /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null; then
  set_key engine runtime '"runc"'
fi

echo "podman-setup: $(podman --version), $(runc --version | head -1), debootstrap $(dpkg-query -W -f '${Version}' debootstrap); $conf has: $(grep -E '^[[:space:]]*(default_ulimits|runtime)[[:space:]]*=' "$conf" | tr '\n' ' ')"
