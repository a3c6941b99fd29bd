#!/bin/bash
# bench/backend.sh -- holds one backend's private mount namespace for
# bench/run. Started by bench/run as
#
#   unshare -m --propagation private bash bench/backend.sh BACKEND WORK
#
# with BACKEND one of rbac, files, nslcd, sssd and WORK the run's work
# directory (data/ from gen-directory, ldap.env with the slapd URI). It
# bind-mounts the backend's nsswitch.conf (and, for files, the generated
# passwd/group) over the machine's, starts the backend's daemon inside the
# namespace when it has one, touches WORK/BACKEND.ready (or writes
# WORK/BACKEND.failed), then waits; bench/run measures with
# "nsenter -m -t <this pid>" and ends it with SIGTERM, which stops the
# daemon. Nothing outside the namespace is changed.
set -euo pipefail

backend=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/system/ns-harness.sh
. "$here/../tests/system/ns-harness.sh"
# shellcheck source=/dev/null
. "$work/ldap.env" # LDAP_URI LDAP_BASE LDAP_ROOTDN LDAP_ROOTPW
# shellcheck disable=SC2034 # read by ns-harness.sh
RBAC_NS_INSIDE=1
RBAC_NS_TMP=$work/ns-$backend
daemon_pid='' sleep_pid=''

fail() {
	echo "backend $backend: $*" >"$work/$backend.failed"
	exit 1
}

private_tmp() {
	mkdir -p "$RBAC_NS_TMP"
	mount -t tmpfs -o mode=0755 bench-ns "$RBAC_NS_TMP"
}

# nsswitch-alone.conf (the group source without "files" in front) is
# bind-mounted by bench/run in a nested namespace for the "alone" rows.
use_nsswitch() {
	printf 'passwd: %s\ngroup: %s\nshadow: files\n' "$1" "$2" >"$RBAC_NS_TMP/nsswitch.conf"
	printf 'passwd: %s\ngroup: %s\nshadow: files\n' "$1" "${2#files }" \
		>"$RBAC_NS_TMP/nsswitch-alone.conf"
	rbac_ns_bind_file "$RBAC_NS_TMP/nsswitch.conf" /etc/nsswitch.conf
}

# Wait up to $1 seconds for "getent group $2" to answer.
wait_for_group() {
	local i
	for ((i = 0; i < $1 * 5; i++)); do
		getent group "$2" >/dev/null && return 0
		sleep 0.2
	done
	return 1
}

write_nslcd_conf() {
	cat >"$RBAC_NS_TMP/nslcd.conf" <<CONF
uid nslcd
gid nslcd
uri $LDAP_URI
base $LDAP_BASE
base group ou=groups,$LDAP_BASE
base passwd ou=people,$LDAP_BASE
binddn $LDAP_ROOTDN
bindpw $LDAP_ROOTPW
pagesize 1000
CONF
	chmod 0600 "$RBAC_NS_TMP/nslcd.conf"
}

start_nslcd() {
	write_nslcd_conf
	rbac_ns_bind_file "$RBAC_NS_TMP/nslcd.conf" /etc/nslcd.conf
	rbac_ns_shadow_dir /run
	mkdir -p /run/nslcd && chown nslcd:nslcd /run/nslcd
	use_nsswitch "files ldap" "files ldap"
	/usr/sbin/nslcd || fail "nslcd did not start"
	daemon_pid=$(cat /run/nslcd/nslcd.pid)
	wait_for_group 20 rbac-s000 || fail "nslcd does not answer"
}

write_sssd_conf() {
	cat >"$RBAC_NS_TMP/sssd.conf" <<CONF
[sssd]
services = nss, pam
domains = bench

[nss]
memcache_timeout = 300
enum_cache_timeout = 300
entry_cache_nowait_percentage = 50

[pam]

[domain/bench]
# The first enumeration of 10,000 users blocks the back end for longer
# than the default 10 s watchdog on a slow machine, which then kills it.
timeout = 120
ldap_enumeration_search_timeout = 300
id_provider = ldap
auth_provider = none
access_provider = permit
ldap_uri = $LDAP_URI
ldap_search_base = $LDAP_BASE
ldap_user_search_base = ou=people,$LDAP_BASE
ldap_group_search_base = ou=groups,$LDAP_BASE
ldap_schema = rfc2307
ldap_default_bind_dn = $LDAP_ROOTDN
ldap_default_authtok = $LDAP_ROOTPW
ldap_tls_reqcert = never
ldap_id_use_start_tls = false
enumerate = true
entry_cache_timeout = 300
ldap_enumeration_refresh_timeout = 300
cache_credentials = false
CONF
	chmod 0600 "$RBAC_NS_TMP/sssd.conf"
}

# sssd's state (cache, memcache, sockets) lives in a tmpfs of this
# namespace; the machine's /var/lib/sss is not written.
private_sssd_state() {
	local d
	mount -t tmpfs -o mode=0755 bench-sss /var/lib/sss
	for d in db:0700 mc:0775 pipes:0755 pipes/private:0700 pubconf:0755 \
		gpo_cache:0755 deskprofile:0711 secrets:0700; do
		mkdir -p "/var/lib/sss/${d%:*}" && chmod "${d#*:}" "/var/lib/sss/${d%:*}"
	done
	mount -t tmpfs -o mode=0750 bench-sss-log /var/log/sssd
	rbac_ns_shadow_dir /run
}

start_sssd() {
	write_sssd_conf
	private_sssd_state
	use_nsswitch "files sss" "files sss"
	/usr/sbin/sssd -i -c "$RBAC_NS_TMP/sssd.conf" --logger=stderr \
		</dev/null >>"$work/sssd.log" 2>&1 &
	daemon_pid=$!
	wait_for_group 60 rbac-s000 || fail "sssd does not answer"
	[[ -n ${BENCH_PAM_ONLY:-} ]] || wait_for_enumeration
}

# With enumerate = true SSSD answers getgrent only from its cache, which
# its first enumeration fills in the background.
wait_for_enumeration() {
	local want i
	want=$(grep -c '' "$work/data/group")
	for ((i = 0; i < 900; i++)); do
		(($(getent group | grep -c '') >= want)) && return 0
		sleep 1
	done
	echo "SSSD had not enumerated all groups after 900 s" >"$work/sssd.note"
}

# The daemon and the children it forked (sssd_be, sssd_nss, sssd_pam): a
# child that is restarting when the monitor goes would be left behind.
stop() {
	local children='' pid
	[[ -n $sleep_pid ]] && kill "$sleep_pid" 2>/dev/null
	if [[ -n $daemon_pid ]]; then
		children=$(pgrep -P "$daemon_pid" || true)
		rbac_process_stop "$daemon_pid" TERM 10
		for pid in $children; do rbac_process_stop "$pid" TERM 5; done
	fi
	exit 0
}

# pam_rbac's local decisions (pam.local_max_lag): rbac-syncd keeps the
# built-in cache directory, shadowed by a tmpfs in this namespace, current
# and proven. Only when bench/run names the agent and that directory.
start_agent() {
	local anc i
	[[ -n ${BENCH_SYNCD:-} && -n ${BENCH_CACHE_DIR:-} ]] || return 0
	anc=$BENCH_CACHE_DIR
	while [[ ! -d $anc ]]; do anc=$(dirname "$anc"); done
	[[ $anc != / ]] || fail "cannot shadow $BENCH_CACHE_DIR"
	rbac_ns_shadow_dir "$anc"
	mkdir -p "$BENCH_CACHE_DIR"
	"$BENCH_SYNCD" -f -c "$work/rbac-local.conf" -C "$BENCH_CACHE_DIR" \
		</dev/null >>"$work/syncd.log" 2>&1 &
	daemon_pid=$!
	for ((i = 0; i < 600; i++)); do
		[[ -e $BENCH_CACHE_DIR/accounts.v3.db ]] && break
		kill -0 "$daemon_pid" 2>/dev/null || fail "rbac-syncd exited: $(tail -n 2 "$work/syncd.log")"
		sleep 0.1
	done
	[[ -e $BENCH_CACHE_DIR/accounts.v3.db ]] || fail "rbac-syncd wrote no snapshot in 60 s"
	sleep 3 # its first probes (probe_interval = 1) store the proof of currency
}

# From slapd-harness.sh, which this script does not source.
rbac_process_stop() {
	local pid=$1 sig=$2 wait=$3 i
	kill -s "$sig" "$pid" 2>/dev/null || return 0
	for ((i = 0; i < wait * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -s KILL "$pid" 2>/dev/null || true
}

main() {
	trap stop TERM INT
	private_tmp
	case $backend in
	rbac)
		rbac_ns_bind_file "$work/data/passwd" /etc/passwd
		use_nsswitch files "files rbac"
		start_agent
		;;
	files)
		rbac_ns_bind_file "$work/data/passwd" /etc/passwd
		rbac_ns_bind_file "$work/data/group" /etc/group
		use_nsswitch files files
		;;
	nslcd) start_nslcd ;;
	sssd) start_sssd ;;
	*) fail "unknown backend" ;;
	esac
	touch "$work/$backend.ready"
	sleep infinity >/dev/null 2>&1 &
	sleep_pid=$!
	wait "$sleep_pid" || true
	stop
}

main
