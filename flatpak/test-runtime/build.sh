#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   flatpak/test-runtime/build.sh CACHE
#
# Makes io.github.cepstra.TestPlatform and io.github.cepstra.TestSdk, stand-ins for
# org.gnome.Platform and org.gnome.Sdk assembled from Debian 12 packages, so that the Flatpak
# can be built and run in its sandbox on a machine that cannot reach Flathub. Both are
# committed to the ostree repository CACHE/repo (branch "test"), which is what
# `flatpak remote-add` and `flatpak install` take.
#
# How: debootstrap's minbase, then apt-get installs platform.packages in it (maintainer scripts
# run, so update-alternatives, the loader caches, compiled schemas and the font cache are all
# real); a copy gets sdk.packages on top. Each tree's /usr becomes the runtime's files/ and
# its /etc files/etc, as in any Flatpak runtime. The mirror is this machine's own apt source
# for the release (host-apt-sources.py), read at run time.
#
# The result is cached: CACHE/runtime.key holds a hash of the package lists and of this
# script, and a repository made from the same inputs is reused as it is. Downloaded packages
# are kept in CACHE/debs and CACHE/archives, so changing a list re-downloads nothing old.
# Needs root (debootstrap and apt run maintainer scripts as root); runs apt inside bubblewrap
# so nothing is mounted on the host.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=$(realpath -m "${1:?usage: build.sh CACHE}")
SUITE=bookworm
BRANCH=test
ARCH=$(flatpak --default-arch)
PLATFORM=io.github.cepstra.TestPlatform
SDK=io.github.cepstra.TestSdk

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

packages() { grep -v '^[[:space:]]*\(#\|$\)' "$HERE/$1" | xargs; }

# The lists' packages, not their comments, and this script: what changes the runtime.
runtime_key() {
  { echo "$SUITE $ARCH $BRANCH"; packages platform.packages; packages sdk.packages; cat "$0"; } \
    | sha256sum | cut -d' ' -f1
}

cached_repo_is_current() {
  [ -f "$CACHE/runtime.key" ] && [ "$(cat "$CACHE/runtime.key")" = "$1" ] \
    && ostree --repo="$CACHE/repo" rev-parse "runtime/$SDK/$ARCH/$BRANCH" >/dev/null 2>&1 \
    && ostree --repo="$CACHE/repo" rev-parse "runtime/$PLATFORM/$ARCH/$BRANCH" >/dev/null 2>&1
}

# Runs a command as root inside ROOT, with its own /proc and /dev and the package cache bound
# in, the way a chroot would but without mounts that outlive it.
in_root() {
  local root=$1
  shift
  bwrap --bind "$root" / --proc /proc --dev /dev --perms 1777 --tmpfs /tmp \
        --ro-bind /etc/resolv.conf /etc/resolv.conf \
        --bind "$CACHE/archives" /var/cache/apt/archives \
        --unshare-pid --die-with-parent \
        /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive "$@"
}

bootstrap() {
  local root=$1 mirror
  mirror=$(head -n1 "$WORK/sources.list" | cut -d' ' -f2)
  log "debootstrap $SUITE (minbase) from $mirror"
  debootstrap --variant=minbase --cache-dir="$CACHE/debs" "$SUITE" "$root" "$mirror" \
    > "$WORK/debootstrap.log" 2>&1 || { tail -n 20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  cp "$WORK/sources.list" "$root/etc/apt/sources.list"
  in_root "$root" apt-get update -qq
}

install_packages() {
  local root=$1 list=$2
  log "Installing $list into $(basename "$root")"
  # shellcheck disable=SC2046 # one word per package
  in_root "$root" apt-get install -y -qq --no-install-recommends $(packages "$list") \
    > "$WORK/$list.log" 2>&1 || { tail -n 20 "$WORK/$list.log" >&2; die "apt-get install failed"; }
}

# ROOT's /usr and /etc as a runtime folder OUT (metadata + files/), trimmed of what a
# runtime does not ship: documentation, manual pages, and translations other than German
# (kept for the translated-window check).
make_runtime_tree() {
  local root=$1 out=$2 name=$3
  mkdir -p "$out"
  mv "$root/usr" "$out/files"
  rm -rf "$out/files/etc"
  mv "$root/etc" "$out/files/etc"
  rm -rf "$out/files/share/doc" "$out/files/share/man" "$out/files/share/info" \
         "$out/files/share/lintian" "$out/files/etc/shadow" "$out/files/etc/gshadow" \
         "$out/files/etc/machine-id"
  find "$out/files/share/locale" -mindepth 1 -maxdepth 1 ! -name de ! -name locale.alias \
       -exec rm -rf {} +
  # Flatpak generates the library cache for each app; /app/lib joins the search path.
  printf '/app/lib\ninclude /run/flatpak/ld.so.conf.d/app-*.conf\n' \
    > "$out/files/etc/ld.so.conf.d/00-flatpak-app.conf"
  cat > "$out/metadata" <<EOF
[Runtime]
name=$name
runtime=$PLATFORM/$ARCH/$BRANCH
sdk=$SDK/$ARCH/$BRANCH
EOF
}

export_runtime() {
  local tree=$1 name=$2
  log "Committing $name to $CACHE/repo"
  flatpak build-export --runtime --files=files --disable-sandbox --no-update-summary \
    --subject="$name from Debian $SUITE packages" "$CACHE/repo.new" "$tree" "$BRANCH" >/dev/null
}

main() {
  [ "$(id -u)" -eq 0 ] || die "needs root (debootstrap); run it through ./run.sh flatpak"
  local key
  key=$(runtime_key)
  if cached_repo_is_current "$key"; then
    log "Test runtime is current ($CACHE/repo)"
    return 0
  fi

  mkdir -p "$CACHE/debs" "$CACHE/archives"
  WORK=$(mktemp -d "$CACHE/work.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  python3 "$HERE/host-apt-sources.py" "$SUITE" > "$WORK/sources.list"

  bootstrap "$WORK/platform-root"
  install_packages "$WORK/platform-root" platform.packages
  cp -a "$WORK/platform-root" "$WORK/sdk-root"
  install_packages "$WORK/sdk-root" sdk.packages

  make_runtime_tree "$WORK/platform-root" "$WORK/platform" "$PLATFORM"
  make_runtime_tree "$WORK/sdk-root" "$WORK/sdk" "$SDK"
  rm -rf "$CACHE/repo.new"
  ostree init --mode=archive-z2 --repo="$CACHE/repo.new"
  export_runtime "$WORK/platform" "$PLATFORM"
  export_runtime "$WORK/sdk" "$SDK"
  flatpak build-update-repo "$CACHE/repo.new" >/dev/null

  rm -rf "$CACHE/repo"
  mv "$CACHE/repo.new" "$CACHE/repo"
  echo "$key" > "$CACHE/runtime.key"
  log "Test runtime ready: $(du -sh "$CACHE/repo" | cut -f1) in $CACHE/repo"
}

main
