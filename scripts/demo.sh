#!/usr/bin/env bash
# make demo: migrate, load Ningbo's organisation and a demo city, analyse it, then serve
# 127.0.0.1:8000 with a background worker. Re-running keeps the database and re-imports idempotently.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES="${1:-62000}"
export CASEWATCH_DEMO=1
CW=.venv/bin/casewatch
DEMO_DIR=var/demo-city-${CASES}

$CW migrate -v 0
if [ -d "${CASEWATCH_DIVISIONS_DIR:-}" ]; then
  $CW seed-orgs --divisions "$CASEWATCH_DIVISIONS_DIR"
else
  $CW seed-orgs
fi
ACCOUNTS=$($CW demo-accounts)
$CW load-rubrics > /dev/null
if [ ! -f "$DEMO_DIR/manifest.json" ]; then
  echo "generating a demo city of $CASES cases in $DEMO_DIR …"
  $CW demo-data --cases "$CASES" --seed 2026 --out "$DEMO_DIR" > /dev/null
fi
echo "importing the demo city …"
$CW import "$DEMO_DIR" --user sysadmin
echo "building the warm analytics store (synced after every import and by the worker) …"
$CW warehouse rebuild
echo "screening every case …"
$CW analyze --as-of 2026-09-30 --user city_supervisor > /dev/null
echo "computing deadlines, lights and escalations …"
$CW deadlines-refresh --as-of 2026-09-30 --as-user city_supervisor > /dev/null
echo "scanning for false-litigation rings …"
$CW falselit-scan > /dev/null
echo "filling the seized-property centres (planted violations in var/property-demo-truth.json) …"
$CW property-demo
echo "loading survey instruments and the pilot's responses …"
$CW surveys-instruments > /dev/null
$CW surveys-demo > /dev/null
echo "enforcement: listing deadlines to problems, a certificate, a credit repair, a clearance batch …"
$CW enforcement-refresh --as-of 2026-09-30 --as-user city_supervisor
$CW enforcement-demo --as-of 2026-09-30
echo "a year of notarisation at the notary offices …"
$CW notary-demo > /dev/null
echo "the campaign: tasks, warning education, norms, research topics, key cases, listed leads …"
$CW campaign-demo > /dev/null
$CW warehouse sync > /dev/null  # what the demo steps above wrote, before the report reads it
echo "the campaign report as of 2026-09-30 (city) …"
$CW campaign-report --unit 330200 --start 2026-01-01 --as-of 2026-09-30 --enforcement-until 2026-07-31

# The worker also runs the scheduler (daily deadlines, problem ticks, screening after imports …).
$CW worker &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

cat <<MSG

============================================================================
 casewatch demo is running at  http://127.0.0.1:8000/
 API documentation:            http://127.0.0.1:8000/api/v1/docs (after login)
$ACCOUNTS
 Stop with Ctrl-C.
============================================================================
MSG
# The production server (gunicorn, workers sized to the machine), as `make serve` runs it.
$CW serve --bind 127.0.0.1:8000
