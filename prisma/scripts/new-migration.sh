#!/usr/bin/env bash
# Writes migrations/<timestamp>_<name>/migration.sql with the SQL that turns the schema of git
# revision BASE (default HEAD) into the working schema.prisma. Review it, add hand-written SQL
# (indexes Prisma cannot express), then commit both files together.
# Usage: npm run migration:new -w @faceledger/db -- <name> [BASE]
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=${1:?usage: new-migration.sh <name> [base-revision]}
BASE=${2:-HEAD}
OLD=$(mktemp --suffix=.prisma)
trap 'rm -f "$OLD"' EXIT
git show "$BASE:./schema.prisma" > "$OLD"
DIR="migrations/$(date -u +%Y%m%d%H%M%S)_${NAME}"
mkdir -p "$DIR"
./scripts/prisma-offline.sh migrate diff --from-schema-datamodel "$OLD" --to-schema-datamodel schema.prisma --script \
  | grep -v '^Loaded Prisma config' > "$DIR/migration.sql"
echo "wrote $DIR/migration.sql"
