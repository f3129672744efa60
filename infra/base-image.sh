#!/bin/sh
# Builds a Node base image for infra/Containerfile where no registry serving
# Node images can be reached, only Debian's package mirror: a minimal Debian
# bookworm made with debootstrap, plus this host's own Node.js installation
# (the node binary, its headers for compiling better-sqlite3, npm).
#
#   infra/base-image.sh [tag]        default tag: localhost/node-base:20-bookworm
#
# Needs root, debootstrap and buildah, and Node >= 20.19 under /usr (as Debian
# packages of Node install it). Then build with
#   --build-arg NODE_IMAGE=<tag> --build-arg npm_config_nodedir=/usr
set -eu

tag=${1:-localhost/node-base:20-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
storage=${STORAGE_DRIVER:-vfs}
node_bin=$(command -v node)

case "$(node -p 'process.versions.node')" in
  20.19.* | 20.[2-9][0-9].* | 2[1-9].* | [3-9][0-9].*) ;;
  *)
    echo "base-image: node $(node -p 'process.versions.node') is older than 20.19" >&2
    exit 1
    ;;
esac
for need in /usr/lib/node_modules/npm /usr/include/node; do
  if [ ! -d "$need" ]; then
    echo "base-image: $need is missing (Node must be installed under /usr)" >&2
    exit 1
  fi
done

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

install -m 0755 "$node_bin" "$rootfs/usr/bin/node"
mkdir -p "$rootfs/usr/lib/node_modules" "$rootfs/usr/include"
cp -a /usr/lib/node_modules/npm "$rootfs/usr/lib/node_modules/"
cp -a /usr/include/node "$rootfs/usr/include/"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/bin/npx"
chroot "$rootfs" node --version >/dev/null

container=$(buildah --storage-driver "$storage" from scratch)
buildah --storage-driver "$storage" copy "$container" "$rootfs/" / >/dev/null
buildah --storage-driver "$storage" config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node "$container"
buildah --storage-driver "$storage" commit --rm --format docker "$container" "$tag"
