#!/usr/bin/env bash
# Debian packages casewatch needs beyond Python and Node: chromium (browser tests), CJK fonts
# (PDF reports and screenshots), gettext (translation catalogues), a JDK (Spark). Installs only
# what is missing; uses sudo when not root.
set -euo pipefail
want=(chromium fonts-noto-cjk gettext openjdk-17-jre-headless)
# pg_dump/pg_restore for `casewatch backup` and `restore` on PostgreSQL (any installed major version).
command -v pg_dump >/dev/null 2>&1 || want+=(postgresql-client)
missing=()
for pkg in "${want[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
