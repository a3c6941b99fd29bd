# shellcheck shell=bash
# shellcheck disable=SC2034,SC2119,SC2120 # a library: its callers use these
#
# syncd-harness.sh -- the real rbac-syncd against the throwaway slapd, for
# tests/integration/syncd-*.test. Source it after slapd-harness.sh and
# nss-harness.sh:
#
#   syncd_require                    root and the built programs (else 77/99)
#   RBAC_TEST_SYNCPROV=1 rbac_slapd_start      (or rbac_slapd_start_pair)
#   syncd_setup [CONF LINES]         $NSS_CONF binding as the reader (the
#                                    identity the shipped limits line frees),
#                                    sync = { probe_interval = 1; batch_ms =
#                                    100; }; $NSS_CACHE the agent's cache dir
#   syncd_start [ARGS]               rbac-syncd -f -v -c $NSS_CONF in the
#                                    background; $SYNCD_PID, its stderr in
#                                    $SYNCD_LOG (a new file per start)
#   syncd_stop                       SIGTERM; $SYNCD_RC is its exit status
#   syncd_kill                       SIGKILL
#   syncd_await WHAT WANT CMD...     run CMD until it prints WANT (at most
#                                    $SYNCD_WAIT s, default 20), then one
#                                    ok/FAIL line with the time it took
#   syncd_group NAME                 getent group NAME (glibc, the agent's
#                                    snapshot), "NAME:x:GID:m1,m2" or "(rc 2)"
#   syncd_id USER                    the names of USER's role groups, as
#                                    `id -Gn` would list them, sorted, ","
#   syncd_accounts [UID]             the agent's accounts snapshot, a line per
#                                    account (snapshot-dump), or UID's line
#   syncd_verify                     "verified verified": both of the agent's
#                                    files pass the complete check
#   syncd_refresh_lines N            the agent's -v "refresh done" lines, the
#                                    Nth (1-based) of $SYNCD_LOG
#   syncd_watch_start GROUP...       record every groups snapshot the agent
#                                    publishes from now on: its generation
#                                    and which of GROUPs it has
#   syncd_watch_stop                 stop recording; print the lines
#                                    ("G GROUP=yes|no ...")
#   syncd_same_as_refresh WHAT       the agent's snapshot shows what
#                                    `rbacctl refresh` of the same directory
#                                    writes: every group, every user's groups,
#                                    every account
#
# Every agent started is stopped at exit (SIGTERM, then SIGKILL), before
# the servers are.

SYNCD_BIN=${RBAC_TEST_SYNCD:-$NSS_BUILD/syncd/rbac-syncd}
SYNCD_DUMP=$NSS_BUILD/tests/integration/snapshot-dump
SYNCD_GROUPS=${SYNCD_GROUPS:-groups.v3.db}
SYNCD_ACCOUNTS=${SYNCD_ACCOUNTS:-accounts.v3.db}
SYNCD_WAIT=${SYNCD_WAIT:-20}
SYNCD_PID=''
SYNCD_RC=''
SYNCD_LOG=''
_syncd_starts=0
_syncd_pids=()

syncd_require() {
	nss_require_root
	local f
	for f in "$SYNCD_BIN" "$SYNCD_DUMP"; do
		[[ -x $f ]] || {
			echo "syncd-harness: $f not built" >&2
			exit 99
		}
	done
}

syncd_setup() {
	local pwfile=$RBAC_TEST_DIR/reader.secret
	(umask 077 && printf '%s' "$RBAC_TEST_READER_PW" >"$pwfile")
	NSS_LDAP_EXTRA="bind_dn = \"$RBAC_TEST_READER_DN\"; bind_password_file = \"$pwfile\";${NSS_LDAP_EXTRA:+ $NSS_LDAP_EXTRA}"
	nss_setup 'sync = { probe_interval = 1; batch_ms = 100; };' "$@"
	NSS_SNAPSHOT=$NSS_CACHE/$SYNCD_GROUPS
	export NSS_SNAPSHOT
	# shellcheck disable=SC2016 # evaluated at exit
	rbac_on_exit '_syncd_cleanup "$status"'
}

# The agent's command line; the one place that knows it.
_syncd_cmd() {
	# RBAC_TEST_WRAPPER (e.g. valgrind and its options) goes in front, one
	# word per line like the rest.
	# shellcheck disable=SC2086 # words of a command
	[[ -z ${RBAC_TEST_WRAPPER:-} ]] || printf '%s\n' $RBAC_TEST_WRAPPER
	printf '%s\n' "$SYNCD_BIN" -f -v -c "$NSS_CONF" -C "$NSS_CACHE"
}

# Not disowned: bash keeps the agent's exit status for syncd_stop's wait.
syncd_start() {
	local cmd
	mapfile -t cmd < <(_syncd_cmd)
	_syncd_starts=$((_syncd_starts + 1))
	SYNCD_LOG=$RBAC_TEST_DIR/syncd.$_syncd_starts.log
	"${cmd[@]}" "$@" </dev/null >>"$SYNCD_LOG" 2>&1 &
	SYNCD_PID=$!
	_syncd_pids+=("$SYNCD_PID")
}

syncd_alive() {
	[[ -n $SYNCD_PID ]] && kill -0 "$SYNCD_PID" 2>/dev/null
}

# SIGTERM, then up to 15 s to exit; SYNCD_RC is its exit status, or
# "killed" when it had to be SIGKILLed.
syncd_stop() {
	local i rc=0
	SYNCD_RC=''
	[[ -n $SYNCD_PID ]] || return 0
	kill -s TERM "$SYNCD_PID" 2>/dev/null
	for ((i = 0; i < 150; i++)); do
		syncd_alive || break
		sleep 0.1
	done
	if syncd_alive; then
		echo "syncd-harness: rbac-syncd (pid $SYNCD_PID) still running 15 s after SIGTERM" >&2
		kill -s KILL "$SYNCD_PID" 2>/dev/null
		wait "$SYNCD_PID" 2>/dev/null
		SYNCD_RC=killed
	else
		wait "$SYNCD_PID" 2>/dev/null || rc=$?
		SYNCD_RC=$rc
	fi
	SYNCD_PID=''
}

syncd_kill() {
	[[ -n $SYNCD_PID ]] || return 0
	kill -s KILL "$SYNCD_PID" 2>/dev/null
	wait "$SYNCD_PID" 2>/dev/null
	SYNCD_PID=''
}

_syncd_cleanup() {
	local status=$1 pid
	for pid in "${_syncd_pids[@]}"; do
		kill -s CONT "$pid" 2>/dev/null
		rbac_process_stop "$pid" TERM 10
	done
	if ((status != 0 && status != 77)) && [[ -n $SYNCD_LOG && -s $SYNCD_LOG ]]; then
		echo "syncd-harness: test failed (exit $status); last lines of $SYNCD_LOG:" >&2
		tail -n 30 "$SYNCD_LOG" >&2
	fi
}

# ---------------------------------------------------------------------------
# What the host sees

syncd_group() {
	nss_qrc group "$1"
}

# getgrouplist(USER, 100) through glibc, each gid named by getgrgid; gid
# 100 (the primary group the call is given) left out.
syncd_id() {
	local gid names=()
	while read -r gid; do
		[[ -n $gid && $gid != 100 ]] || continue
		names+=("$(nss_q gid "$gid" | cut -d: -f1)")
	done < <(nss_q groups "$1" 100 2>/dev/null)
	printf '%s\n' "${names[@]}" | sort | paste -sd ,
}

syncd_accounts() {
	local out
	out=$("$SYNCD_DUMP" accounts "$NSS_CACHE/$SYNCD_ACCOUNTS" 2>&1) || {
		printf '%s\n' "$out"
		return 1
	}
	if (($# > 0)); then
		awk -v u="$1" '$1 == u' <<<"$out"
	else
		printf '%s\n' "$out"
	fi
}

# "verified verified" when both of the agent's files pass the complete
# check (rbac_snapshot_verify_full: whole-file checksum, every cross-check).
syncd_verify() {
	local f out=()
	for f in "$SYNCD_GROUPS" "$SYNCD_ACCOUNTS"; do
		out+=("$("$SYNCD_DUMP" verify "$NSS_CACHE/$f" 2>&1)")
	done
	echo "${out[*]}"
}

# The generation of the agent's groups snapshot; empty when unusable.
syncd_generation() {
	"$SYNCD_DUMP" generation "$NSS_CACHE/$SYNCD_GROUPS" 2>/dev/null
}

syncd_await() {
	local what=$1 want=$2 got start=$EPOCHREALTIME ms limit=$((SECONDS + SYNCD_WAIT))
	shift 2
	while :; do
		got=$("$@" 2>&1)
		[[ $got == "$want" ]] && break
		if [[ -n $SYNCD_PID ]] && ! syncd_alive; then
			got+=" (rbac-syncd exited)"
			break
		fi
		((SECONDS < limit)) || break
		sleep 0.1
	done
	ms=$(((${EPOCHREALTIME/./} - ${start/./}) / 1000))
	nss_expect "$what (${ms} ms)" "$want" "$got"
	[[ $got == "$want" ]]
}

_syncd_watcher=''
syncd_watch_start() {
	local i
	: >"$RBAC_TEST_DIR/watch"
	"$SYNCD_DUMP" watch "$NSS_SNAPSHOT" "$@" >"$RBAC_TEST_DIR/watch" 2>&1 &
	_syncd_watcher=$!
	_syncd_pids+=("$_syncd_watcher")
	for ((i = 0; i < 50; i++)); do
		grep -q '^watching$' "$RBAC_TEST_DIR/watch" && return 0
		sleep 0.1
	done
	echo "syncd-harness: snapshot-dump watch did not start" >&2
	exit 99
}

syncd_watch_stop() {
	kill "$_syncd_watcher" 2>/dev/null
	wait "$_syncd_watcher" 2>/dev/null
	grep -v '^watching$' "$RBAC_TEST_DIR/watch"
}

syncd_refresh_lines() {
	grep -F 'rbac-syncd: refresh done:' "$SYNCD_LOG" | sed -n "${1}p"
}

# syncd_counter LINE KEY: the value of KEY= in a "refresh done" line.
syncd_counter() {
	tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"
}

# ---------------------------------------------------------------------------
# Equivalence with rbacctl refresh

# Everything the host can see of a snapshot, from glibc and the reader:
# every group, each user's groups, every account.
_syncd_view() {
	local u
	nss_q enum | sort
	for u in $(nss_q enum | cut -d: -f4 | tr ',' '\n' | sort -u; syncd_accounts | cut -d' ' -f1); do
		printf '%s: %s\n' "$u" "$(syncd_id "$u")"
	done | sort -u
	syncd_accounts
}

# A refresh of the same directory into its own cache dir, viewed the same
# way; the two views must be equal.
syncd_same_as_refresh() {
	local what=$1 ref=$RBAC_TEST_DIR/refresh-cache agent_view ref_view
	rm -rf "$ref"
	mkdir -p "$ref"
	chmod 0755 "$ref"
	if ! "$NSS_RBACCTL" -c "$NSS_CONF" refresh --cache-dir "$ref" --quiet >"$RBAC_TEST_DIR/ref.out" 2>&1; then
		nss_expect "$what: rbacctl refresh" "ok" "$(cat "$RBAC_TEST_DIR/ref.out")"
		return 1
	fi
	nss_expect "$what: both files pass the complete check" "verified verified" "$(syncd_verify)"
	agent_view=$(_syncd_view)
	ref_view=$(NSS_SNAPSHOT=$ref/$SYNCD_GROUPS NSS_CACHE=$ref _syncd_view)
	if [[ $agent_view == "$ref_view" ]]; then
		echo "ok: $what ($(wc -l <<<"$agent_view") lines)"
		return 0
	fi
	echo "FAIL: $what: the agent's snapshot (<) differs from rbacctl refresh's (>):"
	diff <(echo "$agent_view") <(echo "$ref_view") | sed 's/^/  /'
	nss_failures=$((nss_failures + 1))
	return 1
}
