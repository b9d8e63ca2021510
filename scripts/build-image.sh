#!/usr/bin/env bash
# Builds the Dockerfile, unchanged and both stages, with podman on a machine without a Docker engine, on the base
# image already in local storage (scripts/node-base-image.sh makes a stand-in for it). Prints the build time and size.
#   bash scripts/build-image.sh [TAG]        # TAG defaults to localhost/kafka-cli-ts:local
# KTOOL_BUILD_CAFILE: a CA bundle npm inside the build must trust (default: the host npm's `cafile`, if it has one,
# as on machines whose egress goes through a TLS-inspecting proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-localhost/kafka-cli-ts:local}

# The build's root home is a fresh host directory: with `.npmrc` naming the CA when one is needed, so `npm ci` reaches
# the registry, and nothing of it enters the image (the Dockerfile's own steps write there only npm's cache, which the
# runtime stage cleans anyway). A mount over a directory the base has leaves no mount point behind in a layer.
home=$(mktemp -d "${TMPDIR:-/tmp}/image-build-home.XXXXXX")
trap 'rm -rf "$home"' EXIT
chmod 700 "$home"
cafile=${KTOOL_BUILD_CAFILE:-$(npm config get cafile 2>/dev/null || true)}
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ "$cafile" != undefined ]; then
  cp "$cafile" "$home/ca.crt"
  printf 'cafile=/root/ca.crt\n' > "$home/.npmrc"
fi

started=$(date +%s%N)
# --pull=never: the base must already be local (nothing can be pulled here); --network host: the sandbox has no bridge.
if ! podman build --pull=never --network host --volume "$home:/root" --tag "$tag" . > "$home/build.log" 2>&1; then
  tail -30 "$home/build.log" >&2
  echo "build-image: podman build failed (the log's end is above)" >&2
  exit 1
fi
ms=$(( ($(date +%s%N) - started) / 1000000 ))
size=$(podman image inspect --format '{{.Size}}' "$tag")
echo "build-image: built $tag in $(( ms / 1000 )).$(( ms % 1000 / 100 )) s; $(( size / 1000000 )) MB ($size bytes)"
