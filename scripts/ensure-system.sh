#!/usr/bin/env bash
# Installs what the project needs from Debian's packages, only when missing:
# Postgres 15 with pg_cron, pgTAP, plpgsql_check and pg_partman; faketime (libfaketime, for
# `sessionkit db start --clock` and the calendar matrix of `make test`); python3-venv; Node.js + npm.
# Runs as root (CI) or through sudo; never prompts.
set -euo pipefail

need=()
for pkg in postgresql-15 postgresql-15-cron postgresql-15-pgtap postgresql-15-plpgsql-check postgresql-15-partman faketime; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo -n)
fi
echo "installing from Debian: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# Other apt users (another checkout's setup) may hold the lock: wait for it.
apt=(apt-get -o DPkg::Lock::Timeout=300)
"${sudo[@]}" "${apt[@]}" update -qq
"${sudo[@]}" "${apt[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a default cluster on port 5432; the project runs its own on 54322.
if command -v pg_lsclusters >/dev/null 2>&1; then
  "${sudo[@]}" pg_ctlcluster 15 main stop 2>/dev/null || true
fi
