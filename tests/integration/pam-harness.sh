# shellcheck shell=bash
#
# pam-harness.sh -- helpers for the pam*.test scripts: pam_rbac.so through
# the real libpam (tests/integration/check_pam_acct, pam_start_confdir)
# against the throwaway slapd, with every syslog line captured.
#
#   . "$here/pam-harness.sh"
#   pam_harness_start "$@"     # root + namespace + syslog + slapd + config
#   pam_call sshd alice        # sets PAM_RC, PAM_ERRORS, PAM_INFOS,
#                              # PAM_PROMPTS, PAM_ELAPSED, PAM_LOG (the
#                              # pam_rbac lines)
#   expect_call NAME SERVICE USER RC REASON [MESSAGE]
#
# Service files are written into $PAM_CONFDIR by pam_service; rbac.conf
# files by pam_write_conf. Both are root-owned and not group/world-writable,
# as the module demands. The driver runs under $RBAC_PAM_WRAPPER when set
# (e.g. valgrind).

_pam_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/slapd-harness.sh
. "$_pam_here/slapd-harness.sh"
# shellcheck source=SCRIPTDIR/../system/ns-harness.sh
. "$_pam_here/../system/ns-harness.sh"

PAM_FAILURES=0
PAM_CHECKS=0

pass() {
	PAM_CHECKS=$((PAM_CHECKS + 1))
	echo "PASS: $*"
}

fail() {
	PAM_CHECKS=$((PAM_CHECKS + 1))
	PAM_FAILURES=$((PAM_FAILURES + 1))
	echo "FAIL: $*"
}

section() {
	printf '\n== %s\n' "$*"
}

check() { # check WHAT EXPECTED ACTUAL
	if [[ $2 == "$3" ]]; then
		pass "$1"
	else
		fail "$1: expected [$2], got [$3]"
	fi
}

pam_harness_finish() {
	if [[ -e ${RBAC_NS_TMP:-}/not-found ]]; then
		fail "the script ran $(wc -l <"$RBAC_NS_TMP/not-found") command(s) that do not exist"
	fi
	echo
	echo "$PAM_CHECKS checks, $PAM_FAILURES failed"
	((PAM_FAILURES == 0))
}

# A mistyped helper (a check that was never made) fails the test instead of
# printing an error and passing. bash runs this handler in a subshell, so it
# leaves a line for pam_harness_finish.
command_not_found_handle() {
	echo "FAIL: $1: command not found" >&2
	[[ -n ${RBAC_NS_TMP:-} ]] && echo "$1" >>"$RBAC_NS_TMP/not-found"
	return 127
}

_pam_locate() {
	PAM_MODULE=${abs_top_builddir:-}/pam_rbac/.libs/pam_rbac.so
	PAM_DRIVER=${abs_top_builddir:-}/tests/integration/check_pam_acct
	if [[ ! -f $PAM_MODULE || ! -x $PAM_DRIVER ]]; then
		echo "pam-harness: $PAM_MODULE or $PAM_DRIVER not built" >&2
		exit 99
	fi
	# An ASan module needs the ASan runtime loaded first: the driver is
	# built with it too, so only programs of the system (sshd, sudo)
	# cannot load it.
	PAM_ASAN=''
	if nm -D "$PAM_MODULE" 2>/dev/null | grep -q __asan_; then
		PAM_ASAN=1
	fi
}

# pam_write_conf FILE [URI...]: a config for the example directory; more
# lines can be appended by the caller.
pam_write_conf() {
	local file=$1 uris='' u
	shift
	(($# > 0)) || set -- "$RBAC_TEST_URI"
	for u in "$@"; do
		uris+="${uris:+, }\"$u\""
	done
	cat >"$file" <<EOF
ldap = {
  uri = [ $uris ];
  base = "$RBAC_TEST_RBAC_BASE";
  user_base = "$RBAC_TEST_USER_BASE";
  timeout = ${PAM_TIMEOUT:-2.0};
};
namespace = "eng";
global_namespace = "global";
EOF
	chmod 0644 "$file"
}

# pam_service NAME LINE...: a service file in the test's PAM config dir;
# "MODULE" in a line stands for the module under test.
pam_service() {
	local name=$1 line
	shift
	: >"$PAM_CONFDIR/$name"
	for line in "$@"; do
		printf '%s\n' "${line//MODULE/$PAM_MODULE}" >>"$PAM_CONFDIR/$name"
	done
}

# The usual stack: pam_rbac alone and required, so libpam returns its code.
pam_service_required() {
	local name=$1
	shift
	pam_service "$name" "account required MODULE $*"
}

# PAM_SUCCESS from this stack means pam_rbac returned PAM_IGNORE: libpam
# turns a lone PAM_IGNORE into PAM_PERM_DENIED, so it cannot be seen
# through a one-line stack.
pam_service_ignore_probe() {
	local name=$1
	shift
	pam_service "$name" "account [ignore=1 default=bad] MODULE $*" \
		"account requisite pam_deny.so" "account required pam_permit.so"
}

pam_harness_start() {
	rbac_ns_enter "$@"
	_pam_locate
	rbac_syslog_start
	rbac_slapd_start
	PAM_CONFDIR=$RBAC_NS_TMP/pam.d
	mkdir -p "$PAM_CONFDIR"
	# libpam logs an error for every handle when "other" is missing.
	pam_service other "account required pam_deny.so"
	PAM_CONF=$RBAC_NS_TMP/rbac.conf
	pam_write_conf "$PAM_CONF"
	export PAM_CONFDIR PAM_CONF
}

# pam_wait_decisions LINES-BEFORE CALLS: waits (up to 5 s) until the log
# has a decision line for each of CALLS calls of the module since the
# first LINES-BEFORE lines; a slow machine only makes it wait longer.
pam_wait_decisions() {
	local i
	for ((i = 0; i < 50; i++)); do
		(($(rbac_syslog_since "$1" 'decision=' | wc -l) >= $2)) && return
		sleep 0.1
	done
}

# pam_call [DRIVER-OPTIONS] SERVICE USER
pam_call() {
	local before out opts=("${@:1:$#-2}")
	before=$(rbac_syslog_count)
	out=$(${RBAC_PAM_WRAPPER:-} "$PAM_DRIVER" "${opts[@]}" "$PAM_CONFDIR" "${@: -2}" \
		2>"$RBAC_NS_TMP/driver.err")
	PAM_STATUS=$?
	PAM_OUT=$out
	PAM_RC=$(sed -n 's/^rc=//p' <<<"$out" | tail -n 1)
	PAM_ERRORS=$(sed -n 's/^error=//p' <<<"$out")
	PAM_INFOS=$(sed -n 's/^info=//p' <<<"$out")
	PAM_PROMPTS=$(sed -n 's/^prompt=//p' <<<"$out")
	PAM_ELAPSED=$(sed -n 's/^elapsed=//p' <<<"$out" | tail -n 1)
	# Every call (an rc= line) logs one decision line, after its other
	# lines: wait for all of them (up to 5 s), not for a fixed time.
	# PAM_EXPECT_DECISIONS: another count (not_configured: one a process).
	pam_wait_decisions "$before" "${PAM_EXPECT_DECISIONS:-$(grep -c '^rc=' <<<"$out")}"
	sleep 0.05
	PAM_LOG=$(rbac_syslog_since "$before" 'pam_rbac(')
	# The module must never write to stdout/stderr, and under valgrind
	# any finding makes the driver exit 97 with the report on stderr.
	if ((PAM_STATUS != 0)) || [[ -s $RBAC_NS_TMP/driver.err ]]; then
		fail "driver ${*: -2:1} ${*: -1}: exit $PAM_STATUS, stderr: $(cat "$RBAC_NS_TMP/driver.err")"
	fi
	if grep -qv '^\(rc\|error\|info\|prompt\|elapsed\)=' <<<"$out"; then
		fail "driver ${*: -2:1} ${*: -1}: unexpected output: $out"
	fi
}

# Wall-clock checks of the last call (PAM_ELAPSED), or of SECONDS when
# given. None is tight: a loaded machine makes a call slower, never faster.
#   pam_waited NAME MIN [SECONDS]     it really waited for a timeout: at
#                                     least MIN (slowness cannot break this)
#   pam_bounded NAME BOUND [SECONDS]  its timeouts add up to BOUND and it
#                                     ended with them: under 3 x BOUND + 2 s
#   pam_no_wait NAME TIMEOUT [SECONDS] it waited for no timeout: under one
#                                     TIMEOUT (give it a long one, 10 s)
pam_waited() {
	local e=${3-$PAM_ELAPSED}
	if awk -v e="$e" -v l="$2" 'BEGIN { exit !(e != "" && e >= l) }'; then
		pass "$1: ${e}s >= ${2}s"
	else
		fail "$1: took ${e}s, expected at least ${2}s"
	fi
}

_pam_below() { # NAME SECONDS LIMIT TEXT
	if awk -v e="$2" -v l="$3" 'BEGIN { exit !(e != "" && e < l) }'; then
		pass "$1: ${2}s < $4"
	else
		fail "$1: took ${2:-forever}s, limit $4"
	fi
}

pam_bounded() {
	_pam_below "$1" "${3-$PAM_ELAPSED}" "$(awk -v b="$2" 'BEGIN { print 3 * b + 2 }')" \
		"3 x ${2}s + 2s"
}

pam_no_wait() {
	_pam_below "$1" "${3-$PAM_ELAPSED}" "$2" "one timeout of ${2}s"
}

# The decision line of the last call, from "decision=" on.
pam_decision_line() {
	grep -a 'decision=' <<<"$PAM_LOG" | tail -n 1 | sed 's/^.*): decision=/decision=/'
}

# kv_parse LINE: fills the associative array KV from a key=value line whose
# values are bare or in double quotes. Fails on anything else, or when a
# key repeats: a forged field would show up as one of those.
declare -gA KV
kv_parse() {
	local s=$1 re_q='^([a-z_]+)="([^"]*)"( (.*))?$' re_b='^([a-z_]+)=([^ "]*)( (.*))?$'
	KV=()
	while [[ -n $s ]]; do
		if [[ $s =~ $re_q ]] || [[ $s =~ $re_b ]]; then
			[[ -z ${KV[${BASH_REMATCH[1]}]+x} ]] || return 1
			KV[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
			s=${BASH_REMATCH[4]}
		else
			return 1
		fi
	done
}

# expect_log NAME KEY=VALUE...: the last call logged exactly one decision
# line, and it parses with these fields.
expect_log() {
	local name=$1 kv line n
	shift
	n=$(grep -ac 'decision=' <<<"$PAM_LOG")
	if [[ $n != 1 ]]; then
		fail "$name: $n decision lines in the log: $PAM_LOG"
		return
	fi
	line=$(pam_decision_line)
	if ! kv_parse "$line"; then
		fail "$name: log line does not parse as key=value: $line"
		return
	fi
	for kv in "$@"; do
		if [[ ${KV[${kv%%=*}]-(absent)} != "${kv#*=}" ]]; then
			fail "$name: log ${kv%%=*}: expected [${kv#*=}], got [${KV[${kv%%=*}]-(absent)}] in: $line"
			return
		fi
	done
	pass "$name: log $*"
}

# expect_call NAME RC REASON MESSAGE [DRIVER-OPTIONS] SERVICE USER
#   MESSAGE: the exact error text shown to the user, or "-" for none.
expect_call() {
	local name=$1 rc=$2 reason=$3 msg=$4
	shift 4
	pam_call "$@"
	check "$name: rc" "$rc" "$PAM_RC"
	[[ $msg == - ]] && msg=''
	check "$name: message" "$msg" "$PAM_ERRORS"
	expect_log "$name" "reason=$reason"
}
