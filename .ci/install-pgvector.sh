#!/usr/bin/env bash
# Builds and installs pgvector for the local PostgreSQL 15 when it is missing. Debian 12 ships no
# pgvector package, so this takes the source package from Debian trixie (through a private apt
# list that leaves the system's sources untouched) and builds it against postgresql-server-dev-15.
set -euo pipefail
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
if [ -f "$($PG_CONFIG --sharedir 2>/dev/null)/extension/vector.control" ]; then
  echo "pgvector: already installed"
  exit 0
fi
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/lists/partial"
echo "deb-src $MIRROR trixie main" > "$WORK/sources.list"
APT_OPTS=(-o "Dir::Etc::SourceList=$WORK/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$WORK/lists")
if ! dpkg -s postgresql-server-dev-15 >/dev/null 2>&1 || ! dpkg -s dpkg-dev >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-server-dev-15 build-essential dpkg-dev >/dev/null
fi
apt-get "${APT_OPTS[@]}" update -qq
(cd "$WORK" && apt-get "${APT_OPTS[@]}" source --download-only pgvector >/dev/null)
(cd "$WORK" && dpkg-source -x --no-check pgvector_*.dsc src >/dev/null)
make -s -C "$WORK/src" PG_CONFIG="$PG_CONFIG" >/dev/null
make -s -C "$WORK/src" PG_CONFIG="$PG_CONFIG" install >/dev/null
echo "pgvector: installed $(grep default_version "$($PG_CONFIG --sharedir)/extension/vector.control")"
