#!/bin/bash
# The one command that runs every test on a fresh Debian 12 machine:
# installs the build and test dependencies, builds with -Werror, runs the
# unit, integration and system tests, the unit tests again under valgrind,
# the whole suite under ASan+UBSan, the NSS contract tests under TSan, the
# fuzz targets (30 s each), make distcheck, the Debian packages
# (tests/packages.sh: build, lintian, install and purge), and the demo.
#
#   bash tests/ci.sh
#
# Needs root (or sudo) for apt-get. Servers the tests need (slapd) are
# started by the tests themselves on 127.0.0.1 and stopped by them.
set -euo pipefail

cd "$(dirname "$0")/.."
top=$(pwd)
# shellcheck source=SCRIPTDIR/deps.sh
. "$top/tests/deps.sh"

# Runs make check in $1, showing the logs of what failed. CI runs as root
# with every tool installed: a Check test that would skip fails instead.
check_in() {
	if ! RBAC_TEST_NO_SKIP=1 make -C "$1" -j2 check; then
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
		# check_offline's property test: a tenth of its random cases
		# finds the same memory errors in a tenth of the time.
		RBAC_OFFLINE_CASES=200 CK_FORK=no valgrind -q --error-exitcode=1 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect "$t" >/dev/null
	done
}

rbac_install_deps
# The tree stays in the format of .clang-format.
git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror
autoreconf -fi
build "$top/build-ci"
check_in "$top/build-ci"
valgrind_unit_tests "$top/build-ci"
# rbac-syncd under valgrind: a first refresh, refused cookies (53, 4096) and
# the full refreshes after them, syncd.state saved and loaded, SIGTERM. An
# error or a leak makes the agent exit 1, and the test asserts exit 0.
if ! RBAC_TEST_WRAPPER="valgrind -q --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect" \
	make -C "$top/build-ci" check TESTS=tests/integration/syncd-refused.test; then
	cat "$top/build-ci/tests/integration/syncd-refused.log" >&2
	exit 1
fi
# pam_rbac's local decisions under valgrind (every refusal of the state,
# the file kept mapped between calls): an error or a leak makes the PAM
# driver exit 97, which fails the test.
if ! RBAC_PAM_WRAPPER="valgrind -q --error-exitcode=97 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect" \
	PAM_TIMEOUT=30.0 make -C "$top/build-ci" check TESTS=tests/integration/pam-local.test; then
	cat "$top/build-ci/tests/integration/pam-local.log" >&2
	exit 1
fi
# The benchmark driver, as a smoke check (our module only; no figure is
# asserted on). It needs a build without sanitizers.
bash "$top/bench/run" --quick --build "$top/build-ci"
build "$top/build-asan" --enable-sanitizers
check_in "$top/build-asan"
make -C "$top/build-ci" check-nss-tsan
# Eleven fuzz targets, 30 s each but fuzz_audit, 6 s (tests/fuzz/local.mk).
make -C "$top/build-ci" fuzz FUZZ_TIME=30
if ! make -C "$top/build-ci" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror; then
	# distcheck removes its tree only when it passes: show what failed.
	find "$top/build-ci" -path '*/_build/*' -name test-suite.log -exec cat {} + >&2 || true
	exit 1
fi
# The Debian packages: built from a clean clone of HEAD, linted, installed,
# exercised and purged on a throwaway overlay of this host.
bash "$top/tests/packages.sh" "$top/build-ci"
# The README's demo command, so it cannot rot.
bash "$top/tests/demo.sh"
echo "ci: all tests passed"
