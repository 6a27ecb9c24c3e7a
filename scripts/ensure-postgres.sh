#!/bin/sh
# Install Debian's PostgreSQL server for the store's PostgreSQL tests, only when it is missing.
# The tests start their own throwaway cluster on 127.0.0.1; nothing here starts a service.
set -e
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "ensure-postgres: PostgreSQL is missing and installing it needs root; the PostgreSQL tests will skip" >&2
  exit 0
fi
echo "ensure-postgres: installing postgresql (Debian package)" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
