#!/bin/sh
# Prisma's CLI insists on a native schema engine, which it downloads from a host this
# environment cannot reach. `prisma generate` and `prisma validate` never call it (they use
# WebAssembly), so we point PRISMA_SCHEMA_ENGINE_BINARY here. Migrations are plain SQL
# applied by packages/db/src/migrate, not by `prisma migrate`.
echo "schema engine is not available offline: apply SQL migrations with 'npm run db:migrate'" >&2
exit 1
