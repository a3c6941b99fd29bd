# shellcheck shell=bash
#
# system-harness.sh -- a throwaway host for the system tests: inside a
# private mount namespace, a test /dev/log, a private /run, the slapd
# harness's directory, a root-owned rbac.conf, and test users added to
# private copies of /etc/passwd, /etc/group and /etc/shadow. Real programs
# (sshd, sudo) then run against bind-mounted test files in /etc; the
# machine's own files are never written.
#
#   . "$here/system-harness.sh"
#   system_start "$@"                 # skips (77) unless root, etc.
#   system_add_user alice 10001       # passwd/group/shadow entries, home
#   system_bind_etc pam.d/sshd FILE   # FILE over /etc/pam.d/sshd
#
# Exports SYS_MODULE (pam_rbac.so of the build), SYS_CONF (rbac.conf),
# SYS_TMP (private scratch, a tmpfs).

_sys_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/../integration/pam-harness.sh
. "$_sys_here/../integration/pam-harness.sh"

system_start() {
	rbac_ns_enter "$@"
	_pam_locate
	if [[ -n $PAM_ASAN ]]; then
		# sshd and sudo are not built with ASan and cannot load it.
		echo "SKIP: pam_rbac.so is built with AddressSanitizer"
		exit 77
	fi
	SYS_MODULE=$PAM_MODULE
	SYS_TMP=$RBAC_NS_TMP
	rbac_syslog_start
	# sshd needs /run/sshd, sudo writes /run/sudo: both stay private.
	rbac_ns_shadow_dir /run
	rbac_slapd_start
	SYS_CONF=$SYS_TMP/rbac.conf
	pam_write_conf "$SYS_CONF"
	_sys_copy_etc passwd group shadow
	mkdir -p "$SYS_TMP/home"
	export SYS_MODULE SYS_TMP SYS_CONF
}

# Private copies of /etc files, bind-mounted over the real ones, with the
# same owner and mode; users are appended to the copies.
_sys_copy_etc() {
	local f
	mkdir -p "$SYS_TMP/etc"
	for f in "$@"; do
		cp -p "/etc/$f" "$SYS_TMP/etc/$f" || exit 99
		rbac_ns_bind_file "$SYS_TMP/etc/$f" "/etc/$f"
	done
}

# system_add_user NAME UID: a user with a home directory and /bin/sh; the
# shadow entry has no password ("*"): only keys or sudo NOPASSWD get in.
system_add_user() {
	local name=$1 uid=$2 home=$SYS_TMP/home/$1
	# Only ever append to the private copies.
	if ! mountpoint -q /etc/passwd || ! mountpoint -q /etc/shadow || ! mountpoint -q /etc/group; then
		echo "system-harness: /etc/passwd is not the private copy; refusing" >&2
		exit 99
	fi
	if getent passwd "$name" >/dev/null; then
		echo "system-harness: user $name already exists on this machine" >&2
		exit 99
	fi
	printf '%s:x:%s:%s:RBAC test user:%s:/bin/sh\n' "$name" "$uid" "$uid" "$home" >>/etc/passwd
	printf '%s:x:%s:\n' "$name" "$uid" >>/etc/group
	printf '%s:*:20000:0:99999:7:::\n' "$name" >>/etc/shadow
	mkdir -p "$home"
	chown "$uid:$uid" "$home"
	chmod 0755 "$home"
}

# system_bind_etc PATH FILE: FILE (copied, root-owned, MODE) over /etc/PATH.
system_bind_etc() {
	local path=$1 src=$2 mode=${3:-0644} copy
	copy=$SYS_TMP/etc/${path//\//_}
	cp "$src" "$copy" || exit 99
	chown root:root "$copy"
	chmod "$mode" "$copy"
	rbac_ns_bind_file "$copy" "/etc/$path"
}

# A free TCP port on 127.0.0.1 (nothing listening on it now).
system_free_port() {
	local port i
	for ((i = 0; i < 50; i++)); do
		port=$(_rbac_random_port)
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	return 1
}
