#!/bin/bash
# The one command that runs every test on a fresh Debian 12 machine:
# installs the build and test dependencies, builds with -Werror, runs the
# unit and integration tests, the unit tests again under valgrind, the
# whole suite under ASan+UBSan, and make distcheck.
#
#   bash tests/ci.sh
#
# Needs root (or sudo) for apt-get. Servers the tests need (slapd) are
# started by the tests themselves on 127.0.0.1 and stopped by them.
set -euo pipefail

cd "$(dirname "$0")/.."
top=$(pwd)
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi

DEPS=(build-essential autoconf automake libtool pkg-config
	libconfig-dev libldap2-dev libpam0g-dev check
	slapd ldap-utils valgrind
	openssh-server openssh-client sudo)

install_deps() {
	export DEBIAN_FRONTEND=noninteractive
	# The tests run their own slapd; the package's own server is not wanted.
	echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
	$SUDO apt-get update
	$SUDO apt-get install -y --no-install-recommends "${DEPS[@]}"
}

# Runs make check in $1, showing the logs of what failed.
check_in() {
	if ! make -C "$1" -j2 check; then
		cat "$1/test-suite.log" >&2 || true
		return 1
	fi
}

build() {
	local dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" --enable-werror "$@")
	make -C "$dir" -j2
}

valgrind_unit_tests() {
	local t
	for t in "$1"/tests/unit/check_*; do
		[ -x "$t" ] || continue
		echo "valgrind: $t"
		CK_FORK=no valgrind -q --error-exitcode=1 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect "$t" >/dev/null
	done
}

install_deps
autoreconf -fi
build "$top/build-ci"
check_in "$top/build-ci"
valgrind_unit_tests "$top/build-ci"
build "$top/build-asan" --enable-sanitizers
check_in "$top/build-asan"
make -C "$top/build-ci" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror
echo "ci: all tests passed"
