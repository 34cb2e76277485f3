#!/usr/bin/env bash
# System tools some tests need, from Debian's packages: chromium for the browser tests (Playwright cannot
# download its own browser here), fonts-noto-cjk so Chinese screenshots show characters rather than boxes,
# gettext for the translation-catalogue check and poppler-utils (pdftoppm) for the certificate rendering check.
# Installed when missing and apt can do it. Otherwise only the tests that need them are skipped, each with a printed
# reason -- except in CI (CI=true), where a tool that cannot be installed stops `make test` here, and the browser
# tests' conftest fails the run if chromium is still missing.
set -u
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" || missing+=(fonts-noto-cjk)
elif command -v fc-list >/dev/null 2>&1; then
    [ -n "$(fc-list :lang=zh 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
fi
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0

in_ci=false
[ "$(echo "${CI:-}" | tr '[:upper:]' '[:lower:]')" = "true" ] && in_ci=true

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "Installing ${missing[*]} for the tests..."
    export DEBIAN_FRONTEND=noninteractive
    if { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
        exit 0
    fi
    message="could not install ${missing[*]}"
else
    message="${missing[*]} missing and apt-get cannot be used here (not root, or no apt)"
fi
if $in_ci; then
    echo "ERROR: $message; CI runs every test and will not skip them." >&2
    exit 1
fi
echo "NOTE: $message; the tests that need them will be skipped, each saying why."
exit 0
