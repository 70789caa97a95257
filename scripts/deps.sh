#!/usr/bin/env bash
# Installs the Debian packages faultline needs, only when one is missing (idempotent).
# Usage: scripts/deps.sh [extra-package...]
set -euo pipefail
pkgs=(cmake ninja-build g++ libboost-dev libboost-program-options-dev nlohmann-json3-dev
      libfmt-dev libgtest-dev libyaml-cpp-dev "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "faultline: installing ${missing[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
