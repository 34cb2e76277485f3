#!/usr/bin/env bash
# wrk, from Debian's packages, for `make bench-api` (bench/api_floor.py). Installed when missing and apt can do it;
# otherwise the benchmark measures with its own Python load generator and says so in its output.
set -u
command -v wrk >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "Installing wrk for the benchmark..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null && exit 0
fi
echo "NOTE: wrk is missing and could not be installed; bench/api_floor.py falls back to its Python load generator."
exit 0
