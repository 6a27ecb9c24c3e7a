#!/bin/sh
# Install Debian's chromium for the report's browser test, only when it is missing.
set -e
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "ensure-chromium: /usr/bin/chromium is missing and installing it needs root; the browser test will skip" >&2
  exit 0
fi
echo "ensure-chromium: installing chromium (Debian package)" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
