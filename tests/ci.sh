#!/bin/bash
# The one command that runs every test on a fresh Debian 12 machine:
# installs the build and test dependencies, builds with -Werror, runs the
# unit, integration and system tests (once, inside make distcheck: from
# the tarball, in a tree of their own), the unit tests again under
# valgrind, the whole suite under ASan+UBSan, the NSS contract tests under
# TSan, the fuzz targets (30 s each), the Debian packages
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
	# Two at a time (check_snapshot alone takes half of the time); what a
	# test and valgrind said is shown when it fails.
	# shellcheck disable=SC2016 # $1 and $out are the inner shell's
	for t in "$1"/tests/unit/check_*; do
		if [ -x "$t" ]; then printf '%s\0' "$t"; fi
	done | xargs -0 -P2 -n1 bash -c '
		echo "valgrind: $1"
		# check_offline: a tenth of its property test'"'"'s random cases
		# finds the same memory errors in a tenth of the time.
		out=$(RBAC_OFFLINE_CASES=200 CK_FORK=no valgrind -q --error-exitcode=1 \
			--leak-check=full --errors-for-leak-kinds=definite,indirect "$1" 2>&1) && exit 0
		printf "valgrind: %s failed (exit %d):\n%s\n" "$1" "$?" "$out" >&2
		exit 1' valgrind-unit
}

# fuzz_in_halves BUILDDIR SECONDS: `make fuzz` of every target with
# FUZZ_TIME=SECONDS, the targets in two halves that run side by side once
# everything they need is built.
fuzz_in_halves() {
	local targets half rc=0 first second
	make -C "$1" -j2 fuzz FUZZ_RUNS=1 >/dev/null
	read -ra targets <<<"$(make -C "$1" -s -n -p fuzz 2>/dev/null |
		sed -n 's/^FUZZ_TARGETS = //p' | tail -n 1)"
	if ((${#targets[@]} < 2)); then
		echo "ci: no fuzz targets found in $1" >&2
		return 1
	fi
	half=$((${#targets[@]} / 2))
	make -C "$1" fuzz FUZZ_TIME="$2" FUZZ_TARGETS="${targets[*]:0:half}" &
	first=$!
	make -C "$1" fuzz FUZZ_TIME="$2" FUZZ_TARGETS="${targets[*]:half}" &
	second=$!
	wait "$first" || rc=1
	wait "$second" || rc=1
	return "$rc"
}

rbac_install_deps
# The tree stays in the format of .clang-format.
git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror
autoreconf -fi
build "$top/build-ci"
# The whole suite without sanitizers runs once, here: distcheck builds the
# tarball with build-ci's flags (--enable-werror) in a tree of its own and
# runs every test there, two at a time (-j2; without it the suite ran one
# test at a time), so a file missing from the tarball fails it too. It
# also ran in build-ci before: the same code tested twice.
if ! RBAC_TEST_NO_SKIP=1 make -C "$top/build-ci" -j2 distcheck \
	DISTCHECK_CONFIGURE_FLAGS=--enable-werror; then
	# distcheck removes its tree only when it passes: show what failed.
	find "$top/build-ci" -path '*/_build/*' -name test-suite.log -exec cat {} + >&2 || true
	exit 1
fi
# build-ci's check programs, for valgrind, the benchmark and the packages
# stage (TESTS empty: built, none run).
make -C "$top/build-ci" -j2 check TESTS=
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
# Eleven fuzz targets, 30 s each but fuzz_audit, 6 s (tests/fuzz/local.mk),
# two at a time: a fuzzer uses one core.
fuzz_in_halves "$top/build-ci" 30
# The Debian packages: built from a clean clone of HEAD, linted, installed,
# exercised and purged on a throwaway overlay of this host.
bash "$top/tests/packages.sh" "$top/build-ci"
# The README's demo command, so it cannot rot.
bash "$top/tests/demo.sh"
echo "ci: all tests passed"
