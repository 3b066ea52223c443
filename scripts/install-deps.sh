#!/usr/bin/env bash
# Installs the Debian packages azora_opt needs to build, test and demo.
# Idempotent: it asks apt only for what is missing, and runs `apt-get update` only then.
# Works as root, or as a user with sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config clang-format
  postgresql-15 postgresql-contrib postgresql-server-dev-15 postgresql-client-15
  libpq-dev libpqxx-dev libhiredis-dev redis-server zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  libssl-dev nlohmann-json3-dev
  prometheus sqlsmith libcpp-httplib-dev wrk postgresql-15-hypopg postgresql-15-pg-qualstats
  python3 python3-yaml python3-psycopg2 bc
  valgrind
)
# Extra packages a later step asks for: AZORA_EXTRA_PACKAGES="a b c".
if [ -n "${AZORA_EXTRA_PACKAGES:-}" ]; then
  read -r -a extra <<<"$AZORA_EXTRA_PACKAGES"
  PACKAGES+=("${extra[@]}")
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts a system redis-server and postgresql cluster on install; the tests use their own.
echo "install-deps: done"
