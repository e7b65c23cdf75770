#!/bin/sh
# madoguchi .deb post-install: refresh the desktop database so that x-scheme-handler/madoguchi
# (screen-pop links) reaches the app at once, even without desktop-file-utils' dpkg trigger.
set -e
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi
