#!/bin/sh
# Install the system packages wir_letters needs (make demo, make test, CI). Run as root or via sudo.
#
# On Debian 12 (bookworm), LibreOffice comes from bookworm-backports (25.2 instead of 7.4): it
# converts a letter with about a fifth less CPU and each soffice keeps about 34 MB less resident
# memory (README, "LibreOffice version"). LIBREOFFICE_BACKPORTS=0 keeps the distribution's own.
# Elsewhere (Ubuntu, newer Debian) the distribution's LibreOffice is used.
set -eu

PACKAGES="poppler-utils fonts-liberation2 fonts-dejavu-core fonts-crosextra-carlito python3-venv chromium libjemalloc2"
OFFICE="libreoffice-writer-nogui python3-uno"
SOURCE=/etc/apt/sources.list.d/wir-letters-bookworm-backports.sources
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

codename=$( (. /etc/os-release && echo "${VERSION_CODENAME:-}") 2>/dev/null || true)
backports=""
if [ "$codename" = bookworm ] && [ "${LIBREOFFICE_BACKPORTS:-1}" != 0 ]; then
  backports=bookworm-backports
fi

installed() {  # every package named is installed ("ii"), not only remembered by its configuration
  for package in "$@"; do
    [ "$(dpkg-query -W -f '${db:Status-Abbrev}' "$package" 2>/dev/null)" = "ii " ] || return 1
  done
}

office_ok() {  # the wanted LibreOffice is installed
  version=$(dpkg-query -W -f '${Version}' libreoffice-writer-nogui 2>/dev/null) || return 1
  [ -z "$backports" ] || case "$version" in *bpo12*) ;; *) return 1 ;; esac
}

if installed $PACKAGES $OFFICE && office_ok; then
  echo "system packages: present"
  exit 0
fi

if [ -n "$backports" ] && ! cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
    2>/dev/null | grep -qE "^[^#]*bookworm-backports"; then
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    | $SUDO tee "$SOURCE" >/dev/null
fi
$SUDO apt-get update
APT="$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends"  # env: sudo drops it
$APT $PACKAGES
if [ -n "$backports" ]; then
  $APT -t "$backports" $OFFICE
else
  $APT $OFFICE
fi
