#!/usr/bin/env bash
# System tools some tests need, from Debian's packages: chromium for the browser tests (Playwright cannot
# download its own browser here), gettext for the translation-catalogue check and poppler-utils (pdftoppm) for the
# certificate rendering check. Installed when missing and
# apt can do it; otherwise only the tests that need them are skipped, each with a printed reason.
set -u
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-noto-cjk)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "Installing ${missing[*]} for the tests..."
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; } \
        || echo "WARNING: could not install ${missing[*]}; the tests that need them will be skipped."
else
    echo "NOTE: ${missing[*]} missing and apt-get cannot be used here; the tests that need them will be skipped."
fi
exit 0
