#!/bin/bash
# demo-run.sh -- the body of tests/demo.sh, run from a built tree
# ($abs_top_builddir) inside a private mount namespace. See tests/demo.sh.
# Its last part shows rbac-syncd bringing a change live, once the agent is
# built.

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/integration/pam-harness.sh
. "$here/integration/pam-harness.sh"
# shellcheck source=SCRIPTDIR/integration/nss-harness.sh
. "$here/integration/nss-harness.sh"

USERS=(alice bob carol dave erin frank grace heidi ivan judy oscar peggy trent victor)

title() {
	printf '\n=== %s\n\n' "$*"
}

# Test users for id(1): private copies of passwd and group, bind-mounted,
# and `group: files rbac` in a private nsswitch.conf.
private_host() {
	local etc=$RBAC_NS_TMP/etc uid=10001 u
	mkdir -p "$etc"
	cp -p /etc/passwd "$etc/passwd"
	cp -p /etc/group "$etc/group"
	for u in "${USERS[@]}"; do
		grep -q "^$u:" "$etc/passwd" ||
			printf '%s:x:%d:100:example user:/nonexistent:/bin/sh\n' "$u" "$uid" >>"$etc/passwd"
		uid=$((uid + 1))
	done
	rbac_ns_bind_file "$etc/passwd" /etc/passwd
	rbac_ns_bind_file "$etc/group" /etc/group
	sed 's/^group:.*/group:          files rbac/' /etc/nsswitch.conf >"$etc/nsswitch.conf"
	grep -q '^group:' "$etc/nsswitch.conf" || echo 'group: files rbac' >>"$etc/nsswitch.conf"
	rbac_ns_bind_file "$etc/nsswitch.conf" /etc/nsswitch.conf
}

# getent/id are not setuid: the module is found through LD_LIBRARY_PATH and
# the snapshot through RBAC_SNAPSHOT.
with_nss() {
	LD_LIBRARY_PATH=$NSS_LIBDIR RBAC_SNAPSHOT=$CACHE/groups.v3.db "$@"
}

# "allow (granted)" or "deny (suspended)" for the last pam_call.
outcome() {
	if ! kv_parse "$(pam_decision_line)"; then
		echo "? ($PAM_RC)"
		return
	fi
	printf '%s (%s)' "${KV[decision]}" "${KV[reason]}"
}

show_decisions() {
	local u sshd sudo
	printf '%-7s %-26s %-26s %s\n' user "sshd (host.login)" "sudo (host.sudo)" \
		"what the user is told at sshd"
	for u in "${USERS[@]}"; do
		pam_call sudo "$u"
		sudo=$(outcome)
		pam_call sshd "$u"
		sshd=$(outcome)
		printf '%-7s %-26s %-26s %s\n' "$u" "$sshd" "$sudo" "${PAM_ERRORS:--}"
	done
}

# A syncprov provider (the shipped etc/slapd lines), for the live sync part.
export RBAC_TEST_SYNCPROV=1
pam_harness_start "$@"
CACHE=$RBAC_NS_TMP/cache
mkdir -p "$CACHE"
private_host
pam_service_required sshd "config=$PAM_CONF"
pam_service_required sudo "config=$PAM_CONF"

title "A throwaway slapd on $RBAC_TEST_URI with etc/example/directory.ldif"
echo "config ($PAM_CONF):"
sed 's/^/    /' "$PAM_CONF"

title "rbacctl refresh: the directory into the local snapshot"
"$NSS_RBACCTL" -c "$PAM_CONF" refresh --cache-dir "$CACHE" || exit 1
ls -l "$CACHE"

title "Role groups through libnss_rbac.so.2 (getent group)"
echo "Members are the active holders of a role or of a role inheriting it"
echo "(nss.expand_inherited): judy's deployer inherits admin, so she is in"
echo "rbac-admin, but its rbacRestriction removes host.sudo: pam_rbac in the"
echo "sudo stack is what enforces that (see her sudo decision below)."
echo
with_nss getent group | grep '^rbac-' || exit 1

title "id: role groups of a few users"
for u in alice heidi judy oscar bob; do
	with_nss id "$u"
done

title "pam_rbac.so through libpam: every example user at sshd and sudo"
show_decisions

title "The decision lines pam_rbac wrote to syslog (authpriv)"
grep -a 'pam_rbac(' "$RBAC_SYSLOG_FILE" | sed 's/^.*pam_rbac(/pam_rbac(/' | tail -n 6

if "$NSS_RBACCTL" --help 2>&1 | grep -q '^  check'; then
	title "rbacctl check: why judy may not sudo, and why alice may"
	"$NSS_RBACCTL" -c "$PAM_CONF" check judy --service sudo || true
	echo
	"$NSS_RBACCTL" -c "$PAM_CONF" check alice --service sudo || true
fi

# live_sync: rbac-syncd on the same cache dir; a role granted with
# ldapmodify shows in getent and id while the agent runs, without a refresh.
live_sync() {
	local syncd=$NSS_BUILD/syncd/rbac-syncd pid start ms i
	[[ -x $syncd ]] || return 0
	title "rbac-syncd: a change arriving live"
	"$syncd" -f -c "$PAM_CONF" -C "$CACHE" 2>"$RBAC_NS_TMP/syncd.log" &
	pid=$!
	rbac_on_exit "kill $pid 2>/dev/null"
	for ((i = 0; i < 100; i++)); do
		grep -q 'refresh done' "$RBAC_NS_TMP/syncd.log" && break
		sleep 0.1
	done
	echo "\$ ldapmodify: heidi is granted admin"
	start=$EPOCHREALTIME
	rbac_ldapmodify >/dev/null <<LDIF || return 1
dn: cn=admin,cn=eng,$RBAC_TEST_RBAC_BASE
changetype: modify
add: memberUid
memberUid: heidi
LDIF
	for ((i = 0; i < 1000; i++)); do
		with_nss getent group rbac-admin | grep -q heidi && break
		sleep 0.01
	done
	ms=$(((${EPOCHREALTIME/./} - ${start/./}) / 1000))
	with_nss getent group rbac-admin
	with_nss id heidi
	echo "(in getent ${ms} ms after ldapmodify started; no refresh ran)"
	kill -TERM "$pid"
	wait "$pid"
	echo
	echo "the agent's log:"
	sed 's/^/    /' "$RBAC_NS_TMP/syncd.log"
}
live_sync

title "Done: slapd is stopped and the private namespace disappears"
