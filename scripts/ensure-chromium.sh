#!/usr/bin/env bash
# The browser tests drive Debian's chromium (Playwright cannot download its own browser here).
# Install it when it is missing and apt can do it; otherwise the browser tests skip with a printed reason.
set -u
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "Installing Debian's chromium for the browser tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null \
        || echo "WARNING: could not install chromium; the browser tests will be skipped."
else
    echo "NOTE: /usr/bin/chromium is missing and apt-get cannot be used here; the browser tests will be skipped."
fi
exit 0
