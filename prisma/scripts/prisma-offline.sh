#!/usr/bin/env bash
# Runs the Prisma CLI offline. Prisma 6 tries to download a native query-engine library at start
# even though this project uses the wasm query compiler (engineType "client"); pointing
# PRISMA_QUERY_ENGINE_LIBRARY at any existing file skips that download. Nothing native is used.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_QUERY_ENGINE_LIBRARY="${PRISMA_QUERY_ENGINE_LIBRARY:-$PWD/schema.prisma}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
exec npx --no-install prisma "$@"
