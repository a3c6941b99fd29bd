# shellcheck shell=bash
#
# rbacctl-golden.sh -- helpers for the rbacctl*.test scripts: run rbacctl
# against the throwaway slapd and compare what it printed with the files in
# tests/integration/golden/.
#
#   . "$here/rbacctl-golden.sh"        # after slapd-harness.sh
#   golden_start                       # after rbac_slapd_start
#   rc NAME EXPECTED_EXIT ARGS...      # one call, exit code asserted
#   transcript ARGS...                 # append "$ rbacctl ARGS", stdout,
#                                      # "stderr: " lines, "exit: N"
#   golden NAME                        # compare the transcript with
#                                      # golden/NAME, start a new one
#   golden_finish                      # "N passed, M failed", exit status
#
# Golden files hold the port and the temp dir as $PORT and $DIR. To
# regenerate them after an intended change of output, run the test with
# RBAC_GOLDEN_UPDATE=1 and review the diff.
#
# RBACCTL overrides the binary (default: the build tree's rbacctl/rbacctl);
# RBAC_TEST_WRAPPER is put in front of it, e.g.
#   RBAC_TEST_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full"

GOLDEN_DIR=${RBAC_SRCDIR}/tests/integration/golden
GOLDEN_PASSED=0
GOLDEN_FAILED=0

pass() {
	GOLDEN_PASSED=$((GOLDEN_PASSED + 1))
	echo "PASS: $*"
}

fail() {
	GOLDEN_FAILED=$((GOLDEN_FAILED + 1))
	echo "FAIL: $*"
}

golden_start() { # golden_start CONF
	RBACCTL=${RBACCTL:-${abs_top_builddir:-$(pwd)}/rbacctl/rbacctl}
	if [[ ! -x $RBACCTL ]]; then
		echo "rbacctl-golden: $RBACCTL not built" >&2
		exit 99
	fi
	GOLDEN_CONF=$1
	GOLDEN_OUT=$RBAC_TEST_DIR/transcript
	: >"$GOLDEN_OUT"
}

# rbacctl with the test's config; stdout and stderr to files.
_ctl() {
	# shellcheck disable=SC2086 # the wrapper is a command line
	${RBAC_TEST_WRAPPER:-} "$RBACCTL" -c "$GOLDEN_CONF" "$@" \
		>"$RBAC_TEST_DIR/stdout" 2>"$RBAC_TEST_DIR/stderr"
}

# The temp dir and port differ from run to run.
_normalize() {
	sed -e "s#$RBAC_TEST_DIR#\$DIR#g" -e "s#127\.0\.0\.1:$RBAC_TEST_PORT#127.0.0.1:\$PORT#g"
}

transcript() {
	local rc=0
	_ctl "$@" || rc=$?
	{
		printf '$ rbacctl %s\n' "$*"
		cat "$RBAC_TEST_DIR/stdout"
		sed 's/^/stderr: /' "$RBAC_TEST_DIR/stderr"
		printf 'exit: %s\n\n' "$rc"
	} | _normalize >>"$GOLDEN_OUT"
	# A crash or a valgrind error must not hide in a transcript.
	if ((rc > 2)); then
		fail "rbacctl $*: exit $rc"
	fi
}

# The raw stdout of one call, for a golden file that must stay byte-exact
# (CSV with CRLF, JSON); its exit code is left in GOLDEN_RC.
output_of() {
	local rc=0
	_ctl "$@" || rc=$?
	_normalize <"$RBAC_TEST_DIR/stdout" >>"$GOLDEN_OUT"
	# shellcheck disable=SC2034 # read by the test scripts
	GOLDEN_RC=$rc
}

golden() {
	local name=$1 want=$GOLDEN_DIR/$1
	if [[ -n ${RBAC_GOLDEN_UPDATE:-} ]]; then
		cp "$GOLDEN_OUT" "$want"
	fi
	if [[ ! -f $want ]]; then
		fail "golden $name: $want missing (RBAC_GOLDEN_UPDATE=1 creates it)"
	elif diff -u --label "expected $name" --label "actual" "$want" "$GOLDEN_OUT"; then
		pass "golden $name"
	else
		fail "golden $name (see the diff above)"
	fi
	: >"$GOLDEN_OUT"
}

rc() { # rc NAME EXPECTED ARGS...
	local name=$1 want=$2 got=0
	shift 2
	_ctl "$@" || got=$?
	if [[ $got == "$want" ]]; then
		pass "$name: exit $got"
	else
		fail "$name: exit $got, expected $want; stderr: $(cat "$RBAC_TEST_DIR/stderr")"
	fi
}

# The stderr of the last call is one line (errors carry no stack of noise).
one_line_error() { # one_line_error NAME PATTERN
	local lines
	lines=$(wc -l <"$RBAC_TEST_DIR/stderr")
	if [[ $lines == 1 ]] && grep -q -- "$2" "$RBAC_TEST_DIR/stderr"; then
		pass "$1: one line on stderr"
	else
		fail "$1: expected one stderr line matching [$2], got: $(cat "$RBAC_TEST_DIR/stderr")"
	fi
	if [[ -s $RBAC_TEST_DIR/stdout ]]; then
		fail "$1: stdout not empty: $(cat "$RBAC_TEST_DIR/stdout")"
	fi
}

# Every JSON document parses (jq or python3; neither is a build
# dependency, so without them only the golden comparison checks JSON).
json_valid() { # json_valid NAME FILE
	if command -v jq >/dev/null; then
		if jq -e . "$2" >/dev/null; then pass "$1: valid JSON (jq)"; else fail "$1: invalid JSON"; fi
	elif command -v python3 >/dev/null; then
		if python3 -m json.tool "$2" >/dev/null; then
			pass "$1: valid JSON (python3)"
		else
			fail "$1: invalid JSON"
		fi
	else
		echo "NOTE: $1: no jq or python3; JSON checked by the golden file only"
	fi
}

golden_finish() {
	echo
	echo "$GOLDEN_PASSED passed, $GOLDEN_FAILED failed"
	((GOLDEN_FAILED == 0))
}
