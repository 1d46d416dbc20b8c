#!/usr/bin/env bash
# Runs the diff, ingest, reconcile, fan-out and SDK benchmarks; each writes JSON to bench/results/ (the others run alone, see README). Needs the local PostgreSQL (TEST_DATABASE_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsx bench/diff.bench.ts
npx tsx bench/ingest.bench.ts
npx tsx bench/reconcile.bench.ts
npx tsx bench/fanout/run.ts
(cd client-sdk && npx tsx bench/sdk-consume.bench.ts)
