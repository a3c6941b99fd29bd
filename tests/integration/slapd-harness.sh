# shellcheck shell=bash
#
# slapd-harness.sh -- a throwaway slapd for the integration tests.
#
# Source it from a test script (bash), then call rbac_slapd_start:
#
#   . "$(dirname "$0")/slapd-harness.sh"
#   rbac_slapd_start                       # loads etc/example/directory.ldif
#   rbac_ldapsearch -b "$RBAC_TEST_BASE" uid=alice
#
# Exit codes follow automake's test harness: 77 (skip) when slapd is not
# installed -- the only reason to skip -- and 99 (hard error) when the
# server cannot be set up.
#
# API
#   rbac_slapd_start [LDIF ...]  create a temp dir, load the LDIFs (default:
#                                etc/example/directory.ldif; they must create
#                                dc=example,dc=org) plus cn=host-reader, start
#                                slapd on 127.0.0.1:<free port> and on an ldapi
#                                socket, export the RBAC_TEST_* variables
#   rbac_slapd_stop              SIGTERM, wait up to 10 s, then SIGKILL
#   rbac_slapd_kill              SIGKILL now (a crashed server: port closed)
#   rbac_slapd_restart           start again, same port, same data
#   rbac_ldapadd [ARGS]          apply LDIF from stdin as rootdn (ldapmodify -a)
#   rbac_ldapmodify [ARGS]       apply LDIF from stdin as rootdn
#   rbac_ldapsearch ARGS         anonymous ldapsearch -x -LLL -o ldif-wrap=no
#                                against RBAC_TEST_URI
#   rbac_on_exit CMD             run CMD (eval'd) at exit, before the
#                                harness's own cleanup; later first
#   rbac_urlencode STRING        percent-encode for an ldapi:// URL
#   rbac_slapd_locate            set RBAC_SLAPD and RBAC_SLAPADD (skip, 77,
#                                when slapd is not installed), for a test
#                                that builds its own server
#   rbac_slapd_spawn LOG ARGS    run "$RBAC_SLAPD -d stats ARGS" in the
#                                background, log appended to LOG; sets
#                                RBAC_SPAWNED_PID (for extra servers, e.g. a
#                                cn=config one; the caller stops it)
#   rbac_reader_ldif FILE        write the RBAC_TEST_READER_DN entry (with
#                                its password) to FILE, for slapadd
#   rbac_process_stop PID SIG SECONDS
#                                send SIG, wait, then SIGKILL
#   rbac_tls_certs DIR           a test CA and a 127.0.0.1 certificate (openssl)
#
# With RBAC_TEST_SYNCPROV=1 set before rbac_slapd_start, the server is an
# RFC 4533 provider configured with the lines an admin is told to add,
# read from etc/slapd/rbac-syncprov.conf as shipped: the syncprov module
# and overlay, entryCSN and entryUUID indexed, syncprov-reloadhint TRUE (a
# stale cookie is refused with e-syncRefreshRequired), no size or time
# limit for RBAC_TEST_READER_DN (a sync search is not paged; anonymous
# keeps slapd's 500). The one test knob: RBAC_TEST_SESSIONLOG=N replaces
# the shipped session log length (0: no session log, so a resume is a
# present phase).
#
# With RBAC_TEST_ACCESSLOG=1 set before rbac_slapd_start, every write is
# logged by the accesslog overlay configured with the lines of
# etc/slapd/rbac-accesslog.conf as shipped (only the log's directory moves
# into RBAC_TEST_DIR): the cn=accesslog database before the main one, its
# ACL and limits, and the overlay on the main database. The identity that
# may read the log is loaded: RBAC_TEST_AUDIT_DN, password
# RBAC_TEST_AUDIT_PW (exported whether or not the toggle is set). Also for
# rbac_slapd_start_pair: each node logs (its own writes and the replicated
# copies of the other's) in its own directory.
#
# With RBAC_TEST_ACL=1 set before rbac_slapd_start (or _pair), the
# server's access rules are etc/slapd/rbac-acl.conf as shipped, included
# where its default "access to" lines would be (anonymous then reads
# nothing: read as RBAC_TEST_READER_DN or the rootdn).
#
# With RBAC_TEST_EXTERNAL_DN=DN set before rbac_slapd_start, a client of
# the ldapi socket running as this script's uid that binds with SASL
# EXTERNAL is DN: an authz-regexp maps its peercred identity
# (gidNumber=G+uidNumber=U,cn=peercred,cn=external,cn=auth) to it.
#
# With RBAC_TEST_TLS=1 set before rbac_slapd_start, slapd also listens on
# ldaps://127.0.0.1:<port+1> and answers StartTLS, with a certificate from
# rbac_tls_certs; RBAC_TEST_LDAPS_URI and RBAC_TEST_CA_FILE are exported.
#
# Exported after rbac_slapd_start:
#   RBAC_TEST_DIR RBAC_TEST_URI RBAC_TEST_PORT RBAC_TEST_LDAPI RBAC_TEST_BASE
#   RBAC_TEST_RBAC_BASE RBAC_TEST_USER_BASE RBAC_TEST_ROOTDN RBAC_TEST_ROOTPW
#   RBAC_TEST_READER_DN RBAC_TEST_READER_PW
#   RBAC_SLAPD RBAC_SLAPADD      paths of the server binaries
#
# Two nodes in multi-provider replication (instead of rbac_slapd_start):
#   rbac_slapd_start_pair [LDIF ...]
#                                node 1 as above (every function above acts
#                                on it), node 2 beside it: RBAC_TEST_DIR2
#                                RBAC_TEST_PORT2 RBAC_TEST_URI2
#                                RBAC_TEST_LDAPI2; returns once both hold
#                                the data and a write replicates both ways
#   rbac_node_uri N, rbac_node_pid N
#   rbac_node_kill N, rbac_node_stop N, rbac_node_restart N
#   rbac_node_signal N SIG       e.g. STOP/CONT: a silent server
#   rbac_node_ldapmodify N [ARGS], rbac_node_ldapsearch N ARGS
#                                as rbac_ldapmodify/rbac_ldapsearch, on node N
#   rbac_node_context_csn N      the suffix's contextCSN values, sorted
#   rbac_pair_wait_in_sync [SECS]
#                                until both nodes have the same contextCSN
#   rbac_node_replicates FROM TO [SECS]
#                                a write on FROM is seen on TO
# Read from the environment: RBAC_TEST_MAXSIZE, the mdb map size in bytes
# (default 100 MB; the benchmark's 100k directory needs more).
# Set when sourced: RBAC_SRCDIR, the absolute top of the source tree (from
# $srcdir or this file's location; a value already in the environment wins).
#
# Cleanup: the harness owns the EXIT trap. An EXIT trap set before it was
# sourced is kept and run last; after that, do not call "trap ... EXIT"
# yourself -- register more cleanup with rbac_on_exit instead. slapd is
# stopped and the temp dir removed however the script ends (also on failure
# and on SIGTERM). Set RBAC_TEST_KEEP=1 to keep the temp dir for debugging.
#
# The LDAP client tools run with LDAPNOINIT=1 so that ldap.conf, ~/.ldaprc
# and LDAP* variables of whoever runs the tests cannot change what they do.

# ---------------------------------------------------------------------------
# Source tree

# automake exports $srcdir relative to the build dir; it is the top of the
# source tree only for a non-recursive Makefile.am, so trust it only when it
# holds the schema, and otherwise use this file's own location.
_rbac_find_srcdir() {
	local here
	if [[ -n ${srcdir:-} && -f $srcdir/etc/schema/rbac.schema ]]; then
		(cd "$srcdir" && pwd)
		return
	fi
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || return 1
	(cd "$here/../.." && pwd)
}

RBAC_SRCDIR=${RBAC_SRCDIR:-$(_rbac_find_srcdir)}
export RBAC_SRCDIR

RBAC_TEST_BASE='dc=example,dc=org'
RBAC_TEST_RBAC_BASE="ou=rbac,$RBAC_TEST_BASE"
RBAC_TEST_USER_BASE="ou=people,$RBAC_TEST_BASE"
RBAC_TEST_ROOTDN="cn=admin,$RBAC_TEST_BASE"
RBAC_TEST_ROOTPW='secret'
RBAC_TEST_READER_DN="cn=host-reader,$RBAC_TEST_BASE"
RBAC_TEST_READER_PW='readerpw'
RBAC_TEST_AUDIT_DN="cn=audit-reader,$RBAC_TEST_BASE"
RBAC_TEST_AUDIT_PW='auditpw'
export RBAC_TEST_AUDIT_DN RBAC_TEST_AUDIT_PW
export RBAC_TEST_BASE RBAC_TEST_RBAC_BASE RBAC_TEST_USER_BASE \
	RBAC_TEST_ROOTDN RBAC_TEST_ROOTPW RBAC_TEST_READER_DN RBAC_TEST_READER_PW

_rbac_slapd_pid=''
_rbac_started=''
_rbac_slapadd_opts=()
_rbac_exit_cmds=()
_rbac_exit_trap_installed=''

# ---------------------------------------------------------------------------
# Small helpers

_rbac_say() {
	printf '%s\n' "slapd-harness: $*" >&2
}

# Client tools must ignore ldap.conf, ~/.ldaprc and LDAP* variables.
_rbac_ldap_tool() {
	LDAPNOINIT=1 "$@"
}

# Byte-wise (LC_ALL=C), as URLs encode UTF-8 bytes, not characters.
rbac_urlencode() {
	local LC_ALL=C s=$1 out='' c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s\n' "$out"
}

# ---------------------------------------------------------------------------
# Cleanup at exit

rbac_on_exit() {
	_rbac_install_exit_trap
	_rbac_exit_cmds+=("$1")
}

# Keep an EXIT trap the caller set before us: it becomes the first
# registered command, so it runs last.
_rbac_install_exit_trap() {
	local prev
	[[ -n $_rbac_exit_trap_installed ]] && return
	prev=$(trap -p EXIT) # "trap -- 'quoted command' EXIT"
	if [[ -n $prev ]]; then
		prev=${prev#trap -- }
		eval "prev=${prev% EXIT}"
		_rbac_exit_cmds=("$prev")
	fi
	trap _rbac_run_exit_cmds EXIT
	_rbac_exit_trap_installed=1
}

_rbac_run_exit_cmds() {
	local status=$? i
	for ((i = ${#_rbac_exit_cmds[@]} - 1; i >= 0; i--)); do
		eval "${_rbac_exit_cmds[i]}" || true
	done
	return "$status"
}

# Registered by rbac_slapd_start. On a failing test, show the end of the
# server's log: it is gone once the temp dir is removed.
_rbac_cleanup_slapd() {
	local status=$1
	_rbac_stop_pid TERM 3 || true
	[[ -n ${RBAC_TEST_DIR:-} && -d $RBAC_TEST_DIR ]] || return 0
	if ((status != 0 && status != 77)) && [[ -s $RBAC_TEST_DIR/slapd.log ]]; then
		_rbac_say "test failed (exit $status); last lines of the slapd log:"
		tail -n 40 "$RBAC_TEST_DIR/slapd.log" >&2
	fi
	if [[ -n ${RBAC_TEST_KEEP:-} ]]; then
		_rbac_say "keeping $RBAC_TEST_DIR"
		return 0
	fi
	rm -rf -- "$RBAC_TEST_DIR"
}

# ---------------------------------------------------------------------------
# Locating the installation

_rbac_find_slapd() {
	local s
	for s in "$(command -v slapd 2>/dev/null)" /usr/sbin/slapd /usr/local/sbin/slapd; do
		if [[ -n $s && -x $s ]]; then
			printf '%s\n' "$s"
			return 0
		fi
	done
	return 1
}

# slapadd is normally a link to slapd in the same directory (sbin is often
# not in a non-root user's PATH).
_rbac_find_slapadd() {
	local s
	for s in "$(dirname "$1")/slapadd" "$(command -v slapadd 2>/dev/null)"; do
		if [[ -n $s && -x $s ]]; then
			printf '%s\n' "$s"
			return 0
		fi
	done
	return 1
}

_rbac_first_dir_with() {
	local file=$1 d
	shift
	for d in "$@"; do
		if [[ -e $d/$file ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	printf '%s\n' "$1"
}

_rbac_require_tools() {
	local t
	for t in ldapsearch ldapmodify; do
		if ! command -v "$t" >/dev/null; then
			_rbac_say "$t not found (install ldap-utils)"
			exit 99
		fi
	done
}

# ---------------------------------------------------------------------------
# Building the server

# _rbac_write_slapd_conf DIR [GLOBAL-LINES [DATABASE-LINES [DATABASES]]]:
# the extra lines go after the module loads and before the database's
# overlays; DATABASES (whole database sections) before the main database.
_rbac_write_slapd_conf() {
	local dir=$1 schema modules s
	schema=$(_rbac_first_dir_with core.schema /etc/ldap/schema /etc/openldap/schema)
	modules=$(_rbac_first_dir_with back_mdb.la /usr/lib/ldap \
		/usr/lib64/openldap /usr/lib/openldap /usr/libexec/openldap)
	{
		for s in core cosine nis inetorgperson; do
			printf 'include %s/%s.schema\n' "$schema" "$s"
		done
		printf 'include %s/etc/schema/rbac.schema\n\n' "$RBAC_SRCDIR"
		printf 'modulepath %s\n' "$modules"
		# ppolicy defines pwdAccountLockedTime (slapd 2.5 has no
		# ppolicy.schema), so it is needed even to load the data.
		printf 'moduleload back_mdb\nmoduleload ppolicy\n\n'
		printf '%s' "${2:-}"
		printf 'pidfile %s/slapd.pid\nargsfile %s/slapd.args\n\n' "$dir" "$dir"
		if [[ -n ${RBAC_TEST_TLS:-} ]]; then
			printf 'TLSCACertificateFile %s/tls/ca.crt\n' "$dir"
			printf 'TLSCertificateFile %s/tls/server.crt\n' "$dir"
			printf 'TLSCertificateKeyFile %s/tls/server.key\n\n' "$dir"
		fi
		# No "limits"/"sizelimit": slapd's default of 500 entries stays,
		# as on a fresh server. Paging alone does not get past it (the
		# paged total, size.prtotal, defaults to the same 500): the reading
		# account needs a limits line, which directory.test adds.
		printf '%s' "${4:-}"
		printf 'database mdb\nsuffix "%s"\n' "$RBAC_TEST_BASE"
		printf 'rootdn "%s"\nrootpw %s\n' "$RBAC_TEST_ROOTDN" "$RBAC_TEST_ROOTPW"
		printf 'directory %s/db\nmaxsize %s\n\n' "$dir" "${RBAC_TEST_MAXSIZE:-104857600}"
		if [[ -n ${RBAC_TEST_ACL:-} ]]; then
			_rbac_acl_conf_lines
		else
			# Anonymous read is the default deployment; passwords are
			# only usable for binding.
			printf 'access to attrs=userPassword\n\tby self read\n'
			printf '\tby anonymous auth\n\tby * none\n'
			printf 'access to *\n\tby * read\n\n'
		fi
		printf '%s' "${3:-}"
		printf 'overlay ppolicy\n'
	} >"$dir/slapd.conf"
}

# RBAC_TEST_ACL: the delegated-administration rules as rbac-acl(7) tells
# an admin to load them: the shipped etc/slapd/rbac-acl.conf included in
# place of the default access lines, nothing after it.
_rbac_acl_conf_lines() {
	local conf=$RBAC_SRCDIR/etc/slapd/rbac-acl.conf
	[[ -r $conf ]] || {
		_rbac_say "$conf not found"
		exit 99
	}
	printf 'include %s\n\n' "$conf"
}

# A reader account for the bind tests; not in the example directory, which
# holds no passwords.
rbac_reader_ldif() {
	cat >"$1" <<EOF
dn: $RBAC_TEST_READER_DN
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: host-reader
description: Account the hosts bind as (test only)
userPassword: $RBAC_TEST_READER_PW
EOF
}

_rbac_load_ldifs() {
	local dir=$1 ldif
	shift
	rbac_reader_ldif "$dir/host-reader.ldif"
	for ldif in "$@" "$dir/host-reader.ldif"; do
		if ! "$RBAC_SLAPADD" "${_rbac_slapadd_opts[@]}" -f "$dir/slapd.conf" -l "$ldif" \
			>>"$dir/slapadd.log" 2>&1; then
			_rbac_say "slapadd of $ldif failed:"
			cat "$dir/slapadd.log" >&2
			exit 99
		fi
	done
}

# ---------------------------------------------------------------------------
# Running the server

# slapd runs in the foreground (-d) so that its log goes to a file we can
# show, and disowned so that killing it does not make bash print "Killed".
# Bash still reaps it, so "kill -0" tells whether it is alive.
rbac_slapd_spawn() {
	local log=$1
	shift
	# A simple command, not a function: $! must be slapd itself.
	LDAPNOINIT=1 "$RBAC_SLAPD" -d stats "$@" </dev/null >>"$log" 2>&1 &
	RBAC_SPAWNED_PID=$!
	disown "$RBAC_SPAWNED_PID"
}

_rbac_launch() {
	local urls="ldap://127.0.0.1:$1/"
	[[ -z ${RBAC_TEST_TLS:-} ]] || urls+=" ldaps://127.0.0.1:$(($1 + 1))/"
	rbac_slapd_spawn "$RBAC_TEST_DIR/slapd.log" -f "$RBAC_TEST_DIR/slapd.conf" \
		-h "$urls $RBAC_TEST_LDAPI"
	_rbac_slapd_pid=$RBAC_SPAWNED_PID
}

_rbac_answers() {
	_rbac_ldap_tool ldapsearch -x -H "$1" -o nettimeout=1 \
		-b '' -s base -LLL namingContexts >/dev/null 2>&1
}

# 0: answering; 1: slapd exited because the port is taken; 2: other failure.
_rbac_wait_ready() {
	local port=$1 i
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$_rbac_slapd_pid" 2>/dev/null; then
			_rbac_slapd_pid=''
			tail -n 5 "$RBAC_TEST_DIR/slapd.log" | grep -q 'errno=98' && return 1
			return 2
		fi
		# Alive after answering: the answer was not from a server
		# that held the port before us.
		if _rbac_answers "ldap://127.0.0.1:$port" &&
			kill -0 "$_rbac_slapd_pid" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	_rbac_stop_pid KILL 0
	return 2
}

_rbac_start_failed() {
	_rbac_say "slapd did not start; its log ($RBAC_TEST_DIR/slapd.log):"
	cat "$RBAC_TEST_DIR/slapd.log" >&2
	exit 99
}

# A random port below the kernel's range for outgoing connections, where a
# client's own port could take ours between the choice and the bind; room
# is left for port+1 (ldaps).
_rbac_random_port() {
	local low=32768 high
	read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
	: "$high"
	((low > 12000)) || low=32768
	echo $((((RANDOM << 15) | RANDOM) % (low - 10002) + 10000))
}

# rbac_cnconfig_start SLAPD_D LDAPI LOG: slapd from the cn=config directory
# SLAPD_D, listening on LDAPI and on 127.0.0.1:$port, waiting until it
# answers on LDAPI; sets pid. An empty $port is chosen here, again while a
# port turns out taken (another test's server or client got it first); a
# set one (a restart) is kept. Exits 99 with slapd's log when it fails.
rbac_cnconfig_start() {
	local dir=$1 ldapi=$2 log=$3 fixed=${port:-} try i
	for ((try = 0; try < 20; try++)); do
		[[ -n $fixed ]] || port=$(_rbac_random_port)
		((try == 0)) || : >"$log"
		rbac_slapd_spawn "$log" -F "$dir" -h "ldap://127.0.0.1:$port/ $ldapi"
		pid=$RBAC_SPAWNED_PID
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			LDAPNOINIT=1 ldapsearch -Q -Y EXTERNAL -H "$ldapi" -b cn=config -s base 1.1 \
				>/dev/null 2>&1 && return 0
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null || ! grep -q 'errno=98' "$log"; then
			break
		fi
		[[ -z $fixed ]] || sleep 0.5
	done
	rbac_process_stop "$pid" KILL 0
	echo "slapd did not start; its log:" >&2
	cat "$log" >&2
	exit 99
}

# Try random ports until slapd binds one; a taken port is the only
# failure worth retrying.
_rbac_start_on_free_port() {
	local try port rc
	for ((try = 0; try < 20; try++)); do
		port=$(_rbac_random_port)
		_rbac_launch "$port"
		rc=0
		_rbac_wait_ready "$port" || rc=$?
		if ((rc == 0)); then
			RBAC_TEST_PORT=$port
			return 0
		fi
		((rc == 1)) || _rbac_start_failed
	done
	_rbac_say "no free port found in 20 tries"
	_rbac_start_failed
}

# Send SIG to PID, wait up to WAIT seconds for it to exit, then SIGKILL it
# if it is still there.
rbac_process_stop() {
	local pid=$1 sig=$2 wait=$3 i
	kill -s "$sig" "$pid" 2>/dev/null || return 0
	for ((i = 0; i < wait * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -s KILL "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	_rbac_say "process $pid survived SIGKILL"
	return 1
}

_rbac_stop_pid() {
	[[ -n $_rbac_slapd_pid ]] || return 0
	rbac_process_stop "$_rbac_slapd_pid" "$1" "$2"
	_rbac_slapd_pid=''
}

# Sets RBAC_SLAPD and RBAC_SLAPADD, or skips the test.
_rbac_locate_slapd() {
	if ! RBAC_SLAPD=$(_rbac_find_slapd); then
		echo "SKIP: slapd not found (install the slapd package)"
		exit 77
	fi
	if ! RBAC_SLAPADD=$(_rbac_find_slapadd "$RBAC_SLAPD"); then
		_rbac_say "slapadd not found next to $RBAC_SLAPD"
		exit 99
	fi
	export RBAC_SLAPD RBAC_SLAPADD
	_rbac_require_tools
}

rbac_slapd_locate() {
	_rbac_locate_slapd
}

# The RBAC_TEST_SYNCPROV lines, taken from the shipped slapd.conf snippet
# (its "# [global]" and "# [database]" parts, comments dropped) so that the
# tests run what rbac-syncd(8) tells an admin to add; sets _rbac_sp_global
# and _rbac_sp_db. objectClass eq is the index Debian's database already
# has, not part of the snippet.
_rbac_syncprov_conf_lines() {
	local conf=$RBAC_SRCDIR/etc/slapd/rbac-syncprov.conf part='' line
	_rbac_sp_global='' _rbac_sp_db=$'index objectClass eq\n'
	[[ -r $conf ]] || {
		_rbac_say "$conf not found"
		exit 99
	}
	grep -qF "limits dn.exact=\"$RBAC_TEST_READER_DN\"" "$conf" || {
		_rbac_say "$conf: no limits line for $RBAC_TEST_READER_DN"
		exit 99
	}
	while IFS= read -r line; do
		case $line in
		'# [global]'*) part=global ;;
		'# [database]'*) part=db ;;
		'' | '#'*) ;;
		*) _rbac_syncprov_conf_line "$part" "$line" ;;
		esac
	done <"$conf"
	_rbac_sp_global+=$'\n' _rbac_sp_db+=$'\n'
}

# One line of the snippet into its part; RBAC_TEST_SESSIONLOG replaces the
# session log's length (0 drops the line).
_rbac_syncprov_conf_line() {
	local part=$1 line=$2
	if [[ $line == syncprov-sessionlog* && -n ${RBAC_TEST_SESSIONLOG:-} ]]; then
		((RBAC_TEST_SESSIONLOG == 0)) && return
		line="syncprov-sessionlog $RBAC_TEST_SESSIONLOG"
	fi
	case $part in
	global) _rbac_sp_global+="$line"$'\n' ;;
	db) _rbac_sp_db+="$line"$'\n' ;;
	*)
		_rbac_say "rbac-syncprov.conf: \"$line\" before any part marker"
		exit 99
		;;
	esac
}

# The RBAC_TEST_EXTERNAL_DN line (global): sets _rbac_ext_global.
_rbac_external_conf_line() {
	_rbac_ext_global=$(printf 'authz-regexp "^gidNumber=[0-9]+[+]uidNumber=%s,cn=peercred,cn=external,cn=auth$" "%s"' \
		"$(id -u)" "$RBAC_TEST_EXTERNAL_DN")$'\n\n'
}

# The RBAC_TEST_ACCESSLOG lines, from the shipped slapd.conf snippet's
# "# [global]", "# [log database]" and "# [database]" parts (comments
# dropped), the log's directory moved into the test's; sets _rbac_al_global,
# _rbac_al_logdb and _rbac_al_db. Also writes the audit reader's entry, and
# makes slapadd load the data into the main database (no longer the first).
_rbac_accesslog_setup() {
	_rbac_accesslog_lines "$RBAC_TEST_DIR"
	_rbac_slapadd_opts+=(-b "$RBAC_TEST_BASE")
	_rbac_audit_reader_ldif
}

# _rbac_accesslog_lines DIR: the snippet's parts with the log in DIR/accesslog.
_rbac_accesslog_lines() {
	local conf=$RBAC_SRCDIR/etc/slapd/rbac-accesslog.conf part='' line
	_rbac_al_global='' _rbac_al_logdb='' _rbac_al_db=''
	[[ -r $conf ]] || {
		_rbac_say "$conf not found"
		exit 99
	}
	while IFS= read -r line; do
		case $line in
		'# [global]'*) part=global ;;
		'# [log database]'*) part=logdb ;;
		'# [database]'*) part=db ;;
		'' | '#'*) ;;
		'directory '*) _rbac_accesslog_line "$part" "directory $1/accesslog" ;;
		*) _rbac_accesslog_line "$part" "$line" ;;
		esac
	done <"$conf"
	_rbac_al_global+=$'\n' _rbac_al_logdb+=$'\n' _rbac_al_db+=$'\n'
	mkdir -p "$1/accesslog" || exit 99
}

_rbac_audit_reader_ldif() {
	cat >"$RBAC_TEST_DIR/audit-reader.ldif" <<EOF
dn: $RBAC_TEST_AUDIT_DN
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: audit-reader
description: Account rbacctl audit binds as (test only)
userPassword: $RBAC_TEST_AUDIT_PW
EOF
}

_rbac_accesslog_line() {
	case $1 in
	global) _rbac_al_global+="$2"$'\n' ;;
	logdb) _rbac_al_logdb+="$2"$'\n' ;;
	db) _rbac_al_db+="$2"$'\n' ;;
	*)
		_rbac_say "rbac-accesslog.conf: \"$2\" before any part marker"
		exit 99
		;;
	esac
}

# ---------------------------------------------------------------------------
# Public API

rbac_slapd_start() {
	if [[ -n $_rbac_started ]]; then
		_rbac_say "rbac_slapd_start: already started ($RBAC_TEST_DIR)"
		exit 99
	fi
	_rbac_started=1
	_rbac_locate_slapd
	(($# > 0)) || set -- "$RBAC_SRCDIR/etc/example/directory.ldif"

	# Short path: the ldapi socket path must fit in sun_path (108 bytes).
	RBAC_TEST_DIR=$(mktemp -d /tmp/rbac-slapd.XXXXXX) || exit 99
	# Evaluated inside _rbac_run_exit_cmds, where $status is the exit code.
	# shellcheck disable=SC2016
	rbac_on_exit '_rbac_cleanup_slapd "$status"'
	mkdir "$RBAC_TEST_DIR/db"
	RBAC_TEST_LDAPI="ldapi://$(rbac_urlencode "$RBAC_TEST_DIR/ldapi")"
	export RBAC_TEST_DIR RBAC_TEST_LDAPI

	[[ -z ${RBAC_TEST_TLS:-} ]] || rbac_tls_certs "$RBAC_TEST_DIR/tls"
	_rbac_sp_global='' _rbac_sp_db=''
	[[ -z ${RBAC_TEST_SYNCPROV:-} ]] || _rbac_syncprov_conf_lines
	_rbac_al_global='' _rbac_al_logdb='' _rbac_al_db=''
	[[ -z ${RBAC_TEST_ACCESSLOG:-} ]] || _rbac_accesslog_setup
	[[ -z ${RBAC_TEST_ACCESSLOG:-} ]] || set -- "$@" "$RBAC_TEST_DIR/audit-reader.ldif"
	_rbac_ext_global=''
	[[ -z ${RBAC_TEST_EXTERNAL_DN:-} ]] || _rbac_external_conf_line
	_rbac_write_slapd_conf "$RBAC_TEST_DIR" \
		"$_rbac_sp_global$_rbac_al_global$_rbac_ext_global" \
		"$_rbac_sp_db$_rbac_al_db" "$_rbac_al_logdb"
	_rbac_load_ldifs "$RBAC_TEST_DIR" "$@"
	_rbac_start_on_free_port
	RBAC_TEST_URI="ldap://127.0.0.1:$RBAC_TEST_PORT"
	export RBAC_TEST_PORT RBAC_TEST_URI
	if [[ -n ${RBAC_TEST_TLS:-} ]]; then
		RBAC_TEST_LDAPS_URI="ldaps://127.0.0.1:$((RBAC_TEST_PORT + 1))"
		RBAC_TEST_CA_FILE=$RBAC_TEST_DIR/tls/ca.crt
		export RBAC_TEST_LDAPS_URI RBAC_TEST_CA_FILE
	fi
}

# rbac_tls_certs DIR: a throwaway CA (DIR/ca.crt) and a certificate for
# 127.0.0.1 that it signed (DIR/server.crt, DIR/server.key), made with
# openssl. Skips the test (77) when openssl is missing.
rbac_tls_certs() {
	local d=$1
	command -v openssl >/dev/null || {
		echo "SKIP: openssl not found"
		exit 77
	}
	mkdir -p "$d" || exit 99
	{
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$d/ca.key" -out "$d/ca.crt" -days 2 -subj /CN=rbac-test-ca \
			-addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign &&
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
				-keyout "$d/server.key" -out "$d/server.csr" -subj /CN=127.0.0.1 &&
			printf '%s\n' 'subjectAltName=IP:127.0.0.1' 'basicConstraints=CA:FALSE' \
				'extendedKeyUsage=serverAuth' >"$d/server.ext" &&
			openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
				-CAcreateserial -out "$d/server.crt" -days 2 -extfile "$d/server.ext"
	} >"$d/openssl.log" 2>&1 || {
		_rbac_say "making test certificates failed:"
		cat "$d/openssl.log" >&2
		exit 99
	}
}

rbac_slapd_stop() {
	_rbac_stop_pid TERM 10
}

rbac_slapd_kill() {
	_rbac_stop_pid KILL 5
}

# The ldapi socket left by a killed slapd is removed by slapd itself when
# nobody answers on it, so a plain start is enough.
rbac_slapd_restart() {
	[[ -n $_rbac_started && -n ${RBAC_TEST_PORT:-} ]] || {
		_rbac_say "rbac_slapd_restart before rbac_slapd_start"
		exit 99
	}
	_rbac_stop_pid TERM 10
	_rbac_launch "$RBAC_TEST_PORT"
	_rbac_wait_ready "$RBAC_TEST_PORT" || _rbac_start_failed
}

rbac_ldapmodify() {
	local rc=0
	_rbac_ldap_tool ldapmodify -x -H "$RBAC_TEST_URI" \
		-D "$RBAC_TEST_ROOTDN" -w "$RBAC_TEST_ROOTPW" "$@" || rc=$?
	((rc == 0)) || _rbac_say "ldapmodify $* failed (exit $rc)"
	return "$rc"
}

rbac_ldapadd() {
	rbac_ldapmodify -a "$@"
}

rbac_ldapsearch() {
	_rbac_ldap_tool ldapsearch -x -LLL -o ldif-wrap=no -H "$RBAC_TEST_URI" "$@"
}

# ---------------------------------------------------------------------------
# Two nodes in multi-provider replication
#
# Node 1 is the server every function above acts on (RBAC_TEST_DIR,
# RBAC_TEST_URI, rbac_slapd_kill...). Node 2's state is kept in the
# _rbac_n2_* variables; _rbac_on_node 2 swaps it into the globals for the
# duration of one call, so that launching, waiting and stopping are the
# same code for both nodes.

_rbac_n2_pid=''
_rbac_n2_dir=''
_rbac_n2_ldapi=''
_rbac_n2_port=''
_rbac_swapped=''

_rbac_node_swap() {
	local t
	t=$_rbac_slapd_pid _rbac_slapd_pid=$_rbac_n2_pid _rbac_n2_pid=$t
	t=$RBAC_TEST_DIR RBAC_TEST_DIR=$_rbac_n2_dir _rbac_n2_dir=$t
	t=$RBAC_TEST_LDAPI RBAC_TEST_LDAPI=$_rbac_n2_ldapi _rbac_n2_ldapi=$t
	t=${RBAC_TEST_PORT:-} RBAC_TEST_PORT=$_rbac_n2_port _rbac_n2_port=$t
	if [[ -n $_rbac_swapped ]]; then _rbac_swapped=''; else _rbac_swapped=1; fi
}

# _rbac_on_node N CMD [ARGS]: run CMD with node N's state in the globals.
_rbac_on_node() {
	local node=$1 rc=0
	shift
	[[ $node == 2 ]] && _rbac_node_swap
	"$@" || rc=$?
	[[ $node == 2 ]] && _rbac_node_swap
	return "$rc"
}

_rbac_check_node() {
	[[ $1 == 1 || ($1 == 2 && -n $_rbac_n2_dir) ]] && return 0
	_rbac_say "no node $1 (rbac_slapd_start_pair starts nodes 1 and 2)"
	exit 99
}

# Runs before node 1's cleanup (registered later). A node stopped with
# SIGSTOP is continued first, so that SIGTERM can end it cleanly.
_rbac_cleanup_node2() {
	local status=$1
	[[ -n $_rbac_swapped ]] && _rbac_node_swap
	[[ -n $_rbac_slapd_pid ]] && kill -s CONT "$_rbac_slapd_pid" 2>/dev/null
	[[ -n $_rbac_n2_pid ]] && kill -s CONT "$_rbac_n2_pid" 2>/dev/null
	_rbac_on_node 2 _rbac_stop_pid TERM 3 || true
	if ((status != 0 && status != 77)) && [[ -s $_rbac_n2_dir/slapd.log ]]; then
		_rbac_say "last lines of node 2's slapd log:"
		tail -n 40 "$_rbac_n2_dir/slapd.log" >&2
	fi
}

# The replication part of both nodes' configuration (the same on both: each
# node finds its serverID by its listener URL, and skips the syncrepl
# stanza that points at itself). slapd 2.5 compares the serverID URL and
# the syncrepl provider with the -h URL as strings, so all carry
# _rbac_launch's trailing slash: without it a node does not find its ID,
# or replicates from itself. Unlike the single server, the pair lets the
# (anonymous) reader past slapd's 500-entry limit, as a replicated
# deployment gives its reading account, so that a test may add thousands
# of entries. Sets _rbac_pair_global and _rbac_pair_db.
_rbac_pair_conf_lines() {
	local p1=$1 p2=$2 rid
	_rbac_pair_global=$(printf 'moduleload syncprov\nserverID 1 ldap://127.0.0.1:%s/\nserverID 2 ldap://127.0.0.1:%s/\n\n' \
		"$p1" "$p2")$'\n'
	_rbac_pair_db=$'index objectClass,entryCSN,entryUUID eq\n'
	_rbac_pair_db+=$'limits anonymous size=unlimited size.prtotal=unlimited\n'
	for rid in 1 2; do
		_rbac_pair_db+=$(printf 'syncrepl rid=00%s provider=ldap://127.0.0.1:%s/\n' \
			"$rid" "$([[ $rid == 1 ]] && echo "$p1" || echo "$p2")")
		_rbac_pair_db+=$(printf '\tbindmethod=simple binddn="%s" credentials=%s\n' \
			"$RBAC_TEST_ROOTDN" "$RBAC_TEST_ROOTPW")
		_rbac_pair_db+=$(printf '\tsearchbase="%s" scope=sub type=refreshAndPersist\n' \
			"$RBAC_TEST_BASE")
		_rbac_pair_db+=$'\tretry="1 10 5 +" timeout=3 network-timeout=2 keepalive=60:3:10\n'
	done
	_rbac_pair_db+=$'multiprovider on\n'
	_rbac_pair_db+=$'overlay syncprov\nsyncprov-checkpoint 100 10\nsyncprov-sessionlog 1000\n\n'
}

_rbac_pair_write_confs() {
	local dir
	_rbac_pair_conf_lines "$1" "$2"
	if [[ -z ${RBAC_TEST_ACCESSLOG:-} ]]; then
		_rbac_write_slapd_conf "$RBAC_TEST_DIR" "$_rbac_pair_global" "$_rbac_pair_db"
		_rbac_write_slapd_conf "$_rbac_n2_dir" "$_rbac_pair_global" "$_rbac_pair_db"
		return
	fi
	# RBAC_TEST_ACCESSLOG: each node logs in its own DIR/accesslog.
	for dir in "$RBAC_TEST_DIR" "$_rbac_n2_dir"; do
		_rbac_accesslog_lines "$dir"
		_rbac_write_slapd_conf "$dir" "$_rbac_pair_global$_rbac_al_global" \
			"$_rbac_pair_db$_rbac_al_db" "$_rbac_al_logdb"
	done
}

# Starts the node with its state in the globals; 0 up, 1 port taken.
_rbac_pair_launch_one() {
	local rc=0
	_rbac_launch "$1"
	_rbac_wait_ready "$1" || rc=$?
	((rc == 2)) && _rbac_start_failed
	return "$rc"
}

# Both configurations name both ports, so a taken port means new ports for
# both nodes. The data goes into node 1 only (entryCSNs of serverID 1, and
# a contextCSN): node 2 starts empty and pulls everything by syncrepl.
_rbac_pair_start_on_free_ports() {
	local try p1 p2
	for ((try = 0; try < 20; try++)); do
		p1=$(_rbac_random_port) p2=$(_rbac_random_port)
		# With RBAC_TEST_TLS, each node also takes its port + 1.
		((p1 - p2 > 1 || p2 - p1 > 1)) || continue
		_rbac_pair_write_confs "$p1" "$p2"
		if ((try == 0)); then
			_rbac_slapadd_opts=(-S 1 -w)
			[[ -z ${RBAC_TEST_ACCESSLOG:-} ]] || _rbac_slapadd_opts+=(-b "$RBAC_TEST_BASE")
			_rbac_load_ldifs "$RBAC_TEST_DIR" "$@"
			_rbac_slapadd_opts=()
		fi
		_rbac_pair_launch_one "$p1" || continue
		if _rbac_on_node 2 _rbac_pair_launch_one "$p2"; then
			RBAC_TEST_PORT=$p1 _rbac_n2_port=$p2
			return 0
		fi
		_rbac_stop_pid TERM 10
	done
	_rbac_say "no two free ports found in 20 tries"
	_rbac_start_failed
}

# rbac_node_context_csn N: the contextCSN values of the suffix on node N,
# sorted, one line; empty when the node does not answer.
# As the rootdn: under RBAC_TEST_ACL anonymous reads nothing.
rbac_node_context_csn() {
	rbac_node_ldapsearch "$1" -D "$RBAC_TEST_ROOTDN" -w "$RBAC_TEST_ROOTPW" -o nettimeout=2 -l 5 \
		-b "$RBAC_TEST_BASE" -s base contextCSN 2>/dev/null |
		sed -n 's/^contextCSN: //p' | sort | paste -sd ' '
}

# rbac_pair_wait_in_sync [SECONDS]: wait (default 30 s) until both nodes
# answer with the same, non-empty contextCSN set. 1 on timeout.
rbac_pair_wait_in_sync() {
	local limit=$((SECONDS + ${1:-30})) c1 c2
	while ((SECONDS <= limit)); do
		c1=$(rbac_node_context_csn 1) c2=$(rbac_node_context_csn 2)
		[[ -n $c1 && $c1 == "$c2" ]] && return 0
		sleep 0.1
	done
	_rbac_say "nodes not in sync after ${1:-30} s: node 1 [$c1], node 2 [$c2]"
	return 1
}

# rbac_node_replicates FROM TO [SECONDS]: a write on node FROM (the
# description of the harness's own host-reader entry) is seen on node TO
# within SECONDS (default 30). Tells that TO's consumer of FROM is
# connected, which equal contextCSNs do not: a node restarted after its
# peer retries the peer only every second (retry="1 10 5 +").
rbac_node_replicates() {
	local from=$1 to=$2 limit=$((SECONDS + ${3:-30})) mark
	mark="replication probe $from to $to, $EPOCHREALTIME"
	rbac_node_ldapmodify "$from" >/dev/null <<LDIF || return 1
dn: $RBAC_TEST_READER_DN
changetype: modify
replace: description
description: $mark
LDIF
	while ((SECONDS <= limit)); do
		rbac_node_ldapsearch "$to" -D "$RBAC_TEST_ROOTDN" -w "$RBAC_TEST_ROOTPW" \
			-b "$RBAC_TEST_READER_DN" -s base description 2>/dev/null |
			grep -qxF "description: $mark" && return 0
		sleep 0.1
	done
	_rbac_say "a write on node $from did not reach node $to in ${3:-30} s"
	return 1
}

# rbac_slapd_start_pair [LDIF ...]: like rbac_slapd_start, but two nodes in
# multi-provider replication (syncprov, standard syncrepl, both directions,
# rootdn as the replication identity) on two free ports; returns once node
# 2 has caught up and a write replicates both ways (the host-reader entry
# then has a description). With RBAC_TEST_TLS, as for rbac_slapd_start,
# plus RBAC_TEST_LDAPS_URI2 (the same CA and certificate on both nodes;
# replication itself stays on ldap://). Node 2: RBAC_TEST_DIR2 (inside RBAC_TEST_DIR),
# RBAC_TEST_PORT2, RBAC_TEST_URI2, RBAC_TEST_LDAPI2.
rbac_slapd_start_pair() {
	if [[ -n $_rbac_started ]]; then
		_rbac_say "rbac_slapd_start_pair: already started ($RBAC_TEST_DIR)"
		exit 99
	fi
	_rbac_started=1
	_rbac_locate_slapd
	(($# > 0)) || set -- "$RBAC_SRCDIR/etc/example/directory.ldif"
	RBAC_TEST_DIR=$(mktemp -d /tmp/rbac-slapd.XXXXXX) || exit 99
	# shellcheck disable=SC2016
	rbac_on_exit '_rbac_cleanup_slapd "$status"'
	_rbac_n2_dir=$RBAC_TEST_DIR/node2
	mkdir "$RBAC_TEST_DIR/db" "$_rbac_n2_dir" "$_rbac_n2_dir/db"
	RBAC_TEST_LDAPI="ldapi://$(rbac_urlencode "$RBAC_TEST_DIR/ldapi")"
	_rbac_n2_ldapi="ldapi://$(rbac_urlencode "$_rbac_n2_dir/ldapi")"
	# shellcheck disable=SC2016
	rbac_on_exit '_rbac_cleanup_node2 "$status"'
	# One certificate (for 127.0.0.1) and one CA serve both nodes.
	if [[ -n ${RBAC_TEST_TLS:-} ]]; then
		rbac_tls_certs "$RBAC_TEST_DIR/tls"
		cp -R "$RBAC_TEST_DIR/tls" "$_rbac_n2_dir/tls" || exit 99
	fi
	if [[ -n ${RBAC_TEST_ACCESSLOG:-} ]]; then
		_rbac_audit_reader_ldif
		set -- "$@" "$RBAC_TEST_DIR/audit-reader.ldif"
	fi
	_rbac_pair_start_on_free_ports "$@"
	RBAC_TEST_URI="ldap://127.0.0.1:$RBAC_TEST_PORT"
	RBAC_TEST_DIR2=$_rbac_n2_dir RBAC_TEST_LDAPI2=$_rbac_n2_ldapi
	RBAC_TEST_PORT2=$_rbac_n2_port RBAC_TEST_URI2="ldap://127.0.0.1:$_rbac_n2_port"
	export RBAC_TEST_DIR RBAC_TEST_LDAPI RBAC_TEST_PORT RBAC_TEST_URI
	export RBAC_TEST_DIR2 RBAC_TEST_LDAPI2 RBAC_TEST_PORT2 RBAC_TEST_URI2
	if [[ -n ${RBAC_TEST_TLS:-} ]]; then
		RBAC_TEST_LDAPS_URI="ldaps://127.0.0.1:$((RBAC_TEST_PORT + 1))"
		RBAC_TEST_LDAPS_URI2="ldaps://127.0.0.1:$((RBAC_TEST_PORT2 + 1))"
		RBAC_TEST_CA_FILE=$RBAC_TEST_DIR/tls/ca.crt
		export RBAC_TEST_LDAPS_URI RBAC_TEST_LDAPS_URI2 RBAC_TEST_CA_FILE
	fi
	rbac_pair_wait_in_sync 30 && rbac_node_replicates 1 2 && rbac_node_replicates 2 1 &&
		rbac_pair_wait_in_sync 30 || exit 99
}

rbac_node_uri() {
	_rbac_check_node "$1"
	if [[ $1 == 1 ]]; then echo "$RBAC_TEST_URI"; else echo "$RBAC_TEST_URI2"; fi
}

rbac_node_pid() {
	_rbac_check_node "$1"
	if [[ $1 == 1 ]]; then echo "$_rbac_slapd_pid"; else echo "$_rbac_n2_pid"; fi
}

# rbac_node_signal N SIG: e.g. STOP (the port still accepts connections,
# nothing answers) and CONT.
rbac_node_signal() {
	local pid
	pid=$(rbac_node_pid "$1")
	[[ -n $pid ]] && kill -s "$2" "$pid"
}

# rbac_node_kill N: SIGKILL now (port closed). rbac_node_restart N: start
# again, same port, same data (after a kill or rbac_node_stop).
rbac_node_kill() {
	_rbac_check_node "$1"
	_rbac_on_node "$1" _rbac_stop_pid KILL 5
}

rbac_node_stop() {
	_rbac_check_node "$1"
	_rbac_on_node "$1" _rbac_stop_pid TERM 10
}

rbac_node_restart() {
	_rbac_check_node "$1"
	_rbac_on_node "$1" rbac_slapd_restart
}

# rbac_node_ldapmodify N [ARGS]: LDIF from stdin as rootdn, on node N only.
rbac_node_ldapmodify() {
	local uri rc=0
	uri=$(rbac_node_uri "$1")
	shift
	_rbac_ldap_tool ldapmodify -x -H "$uri" -D "$RBAC_TEST_ROOTDN" -w "$RBAC_TEST_ROOTPW" \
		"$@" || rc=$?
	((rc == 0)) || _rbac_say "ldapmodify on $uri $* failed (exit $rc)"
	return "$rc"
}

# rbac_node_ldapsearch N ARGS: anonymous, on node N only.
rbac_node_ldapsearch() {
	local uri
	uri=$(rbac_node_uri "$1")
	shift
	_rbac_ldap_tool ldapsearch -x -LLL -o ldif-wrap=no -H "$uri" "$@"
}
