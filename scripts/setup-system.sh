#!/usr/bin/env bash
# System packages the test suite needs: Chromium (browser tests), CJK fonts (PDF and charts),
# poppler-utils (reading PDFs back), gettext (compiling the catalogues), PostgreSQL server binaries
# (the throwaway test server), LibreOffice Writer (docx -> PDF) and Calc (reading exported workbooks back)
# and nginx (in front of the two app servers of scripts/cluster.sh and its test).
#
# As root it installs what is missing (one apt-get update, one apt-get install) and returns at once
# when everything is present. As any other user it prints what is missing and carries on.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk fonts-lxgw-wenkai poppler-utils gettext postgresql libreoffice-writer-nogui
          libreoffice-calc-nogui nginx-light)

installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == "installed" ]]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup-system: no dpkg here (not Debian?); install by hand: ${PACKAGES[*]}" >&2
    exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done

# Debian's own python3 makes venvs only with python3-venv (ensurepip); other builds ship ensurepip.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    installed python3-venv || missing+=(python3-venv)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "setup-system: all system packages present"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "setup-system: not root, so not installing; missing: ${missing[*]}" >&2
    echo "setup-system: as root run: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/dudao-apt.XXXXXX.log)
echo "setup-system: installing ${missing[*]} (log: $log)"
started=$SECONDS
if ! { apt-get update -o Acquire::Retries=3 && \
       apt-get install -y --no-install-recommends -o Acquire::Retries=3 "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "setup-system: apt-get failed; full log in $log" >&2
    exit 1
fi
echo "setup-system: installed in $((SECONDS - started))s"
rm -f "$log"
