#!/bin/sh
# Regenerates configure and the Makefile templates (needs autoconf, automake,
# libtool and pkg-config: installer/setup-deps.sh installs them).
set -e
cd "$(dirname "$0")"
autoreconf -fi
