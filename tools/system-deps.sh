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

codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
backports=""
if [ "$codename" = bookworm ] && [ "${LIBREOFFICE_BACKPORTS:-1}" != 0 ]; then
  backports=bookworm-backports
fi

office_ok() {  # the wanted LibreOffice is installed
  version=$(dpkg-query -W -f '${Version}' libreoffice-writer-nogui 2>/dev/null) || return 1
  [ -z "$backports" ] || case "$version" in *bpo12*) ;; *) return 1 ;; esac
}

if dpkg -s $PACKAGES $OFFICE >/dev/null 2>&1 && office_ok; then
  echo "system packages: present"
  exit 0
fi

if [ -n "$backports" ] && ! grep -rqsE "^[^#]*bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    | $SUDO tee "$SOURCE" >/dev/null
fi
$SUDO apt-get update
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends $PACKAGES
if [ -n "$backports" ]; then
  $SUDO apt-get install -y --no-install-recommends -t "$backports" $OFFICE
else
  $SUDO apt-get install -y --no-install-recommends $OFFICE
fi
