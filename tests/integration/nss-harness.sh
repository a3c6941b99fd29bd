# shellcheck shell=bash
#
# nss-harness.sh -- shared steps of the NSS and refresh tests: a config
# pointing at the throwaway slapd, `rbacctl refresh` into a private cache
# dir, lookups through glibc's real NSS dispatch (tests/integration/nss-query
# with LD_LIBRARY_PATH at the module's build dir), and assertions.
#
#   . "$here/slapd-harness.sh"; . "$here/nss-harness.sh"
#   nss_require_root
#   rbac_slapd_start [LDIF...]
#   nss_setup                     # writes $NSS_CONF, makes $NSS_CACHE
#   nss_refresh                   # rbacctl refresh; stdout/err in $NSS_OUT/$NSS_ERR
#   nss_expect "what" "expected" "$(nss_q group rbac-admin)"
#
# Every file the module and rbacctl read must be root-owned and not
# writable by others, so these tests run as root (as CI does) and skip
# (77) otherwise.

NSS_BUILD=${abs_top_builddir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NSS_RBACCTL=$NSS_BUILD/rbacctl/rbacctl
NSS_QUERY=$NSS_BUILD/tests/integration/nss-query
NSS_LIBDIR=$NSS_BUILD/nss_rbac/.libs
nss_failures=0

nss_require_root() {
	if ((EUID != 0)); then
		echo "SKIP: needs root (snapshot and config files must be root-owned)"
		exit 77
	fi
	local f
	for f in "$NSS_RBACCTL" "$NSS_QUERY" "$NSS_LIBDIR/libnss_rbac.so.2"; do
		[[ -x $f || -f $f ]] || {
			echo "nss-harness: $f not built" >&2
			exit 99
		}
	done
}

# nss_write_conf FILE [EXTRA LINES]: a config for the test slapd; settings
# in $NSS_LDAP_EXTRA go inside the ldap group, $NSS_URI replaces the URI.
nss_write_conf() {
	local file=$1
	shift
	{
		printf 'ldap = { uri = [ "%s" ]; base = "%s"; user_base = "%s"; timeout = 2.0; %s };\n' \
			"${NSS_URI:-$RBAC_TEST_URI}" "$RBAC_TEST_RBAC_BASE" "$RBAC_TEST_USER_BASE" \
			"${NSS_LDAP_EXTRA:-}"
		printf 'namespace = "%s";\n' "${NSS_NAMESPACE:-eng}"
		printf 'global_namespace = "global";\n'
		printf '%s\n' "$@"
	} >"$file"
	chmod 0644 "$file"
}

nss_setup() {
	NSS_CONF=$RBAC_TEST_DIR/rbac.conf
	NSS_CACHE=$RBAC_TEST_DIR/cache
	NSS_OUT=$RBAC_TEST_DIR/refresh.out
	NSS_ERR=$RBAC_TEST_DIR/refresh.err
	nss_write_conf "$NSS_CONF" "$@"
	mkdir -p "$NSS_CACHE"
	chmod 0755 "$RBAC_TEST_DIR" "$NSS_CACHE"
	export NSS_CONF NSS_CACHE NSS_OUT NSS_ERR
}

# rbacctl refresh with the test config; returns its exit code.
nss_refresh() {
	local rc=0
	"$NSS_RBACCTL" -c "${NSS_CONF_OVERRIDE:-$NSS_CONF}" refresh --cache-dir "$NSS_CACHE" "$@" \
		>"$NSS_OUT" 2>"$NSS_ERR" || rc=$?
	return "$rc"
}

nss_refresh_ok() {
	if ! nss_refresh "$@"; then
		echo "nss-harness: rbacctl refresh failed:" >&2
		cat "$NSS_OUT" "$NSS_ERR" >&2
		exit 1
	fi
}

# Lookups through glibc with group: rbac (or -s SERVICE).
nss_q() {
	LD_LIBRARY_PATH=$NSS_LIBDIR RBAC_SNAPSHOT=${NSS_SNAPSHOT:-$NSS_CACHE/groups.v3.db} \
		"$NSS_QUERY" "$@"
}

# nss_q with its exit code appended as " (rc N)" when it is not 0.
nss_qrc() {
	local out rc=0
	out=$(nss_q "$@" 2>&1) || rc=$?
	if ((rc != 0)); then
		printf '%s(rc %d)\n' "${out:+$out }" "$rc"
	else
		printf '%s\n' "$out"
	fi
}

nss_expect() {
	local what=$1 want=$2 got=$3
	if [[ $got == "$want" ]]; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		echo "  expected: $want"
		echo "  got:      $got"
		nss_failures=$((nss_failures + 1))
	fi
}

# nss_expect_match WHAT REGEX TEXT
nss_expect_match() {
	local what=$1 re=$2 got=$3
	if [[ $got =~ $re ]]; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		echo "  expected to match: $re"
		echo "  got: $got"
		nss_failures=$((nss_failures + 1))
	fi
}

nss_done() {
	if ((nss_failures > 0)); then
		echo "$nss_failures check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# GeneralizedTime of now + N seconds.
nss_gentime_in() {
	date -u -d "@$(($(date +%s) + $1))" +%Y%m%d%H%M%SZ
}
