#!/bin/sh
# Installs the Debian packages a profile needs, only those missing; idempotent.
# Usage: scripts/deps.sh build|run|test|bench|fuzz
# 'apt-get update' runs only when a package cannot be found in the current lists.
set -eu

profile=${1:-build}

build_pkgs="gcc g++ make meson ninja-build pkg-config python3
libsqlite3-dev libjansson-dev libzip-dev libexpat1-dev libphonenumber-dev
libsodium-dev libcurl4-openssl-dev libmicrohttpd-dev libpq-dev libxlsxwriter-dev
libcmocka-dev zlib1g-dev libre2-dev"

case "$profile" in
build|run) pkgs="$build_pkgs" ;;
test)      pkgs="$build_pkgs sqlite3 clang-14 libclang-rt-14-dev postgresql" ;;
bench)     pkgs="$build_pkgs sqlite3 postgresql time" ;;
fuzz)      pkgs="$build_pkgs clang-14 libclang-rt-14-dev" ;;
*) echo "deps.sh: unknown profile '$profile' (build, run, test, bench, fuzz)" >&2; exit 1 ;;
esac

missing=""
for p in $pkgs; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	"install ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "deps.sh: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! $sudo apt-get install -y -q --no-install-recommends $missing; then
	echo "deps.sh: refreshing the package lists and trying again" >&2
	$sudo apt-get update -q
	# shellcheck disable=SC2086
	$sudo apt-get install -y -q --no-install-recommends $missing
fi
