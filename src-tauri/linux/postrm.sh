#!/bin/sh
# madoguchi .deb post-removal: forget the x-scheme-handler/madoguchi registration.
set -e
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi
