# shellcheck shell=bash
#
# ns-harness.sh -- run a test inside a private mount namespace, with a
# private /dev/log that a test sink reads, and private copies of system
# files, so that real sshd, sudo and libpam can be tested without changing
# a single file of the machine.
#
#   . "$here/../integration/slapd-harness.sh"   # first: owns the EXIT trap
#   . "$here/../system/ns-harness.sh"
#   rbac_ns_enter "$@"            # re-runs this script in "unshare -m"; skips
#                                 # (exit 77) unless root and unshare works
#   rbac_syslog_start             # /dev/log -> $RBAC_SYSLOG_FILE
#   rbac_ns_bind_file SRC /etc/pam.d/sshd
#
# Nothing is restored at the end: the namespace, and every mount made in
# it, disappears with the test's last process.
#
# API
#   rbac_ns_enter ARGS            as above (ARGS: the script's own arguments)
#   rbac_ns_shadow_dir DIR        replace DIR, in this namespace only, by a
#                                 tmpfs whose entries are bind mounts of the
#                                 original ones: DIR looks the same, and new
#                                 entries (/dev/log, /run/sshd) can be made in
#                                 it without touching the real DIR
#   rbac_ns_bind_file SRC DEST    bind-mount the file SRC over DEST
#   rbac_syslog_start [FILE]      shadow /dev, start tests/system/syslog-sink on
#                                 /dev/log writing to FILE (default
#                                 $RBAC_NS_TMP/syslog); exports RBAC_SYSLOG_FILE
#   rbac_syslog_count             number of lines received so far
#   rbac_syslog_wait_lines N      wait (up to 5 s) until more than N lines
#   rbac_syslog_since N [PATTERN] the lines after the first N (matching PATTERN)
#
# Set after rbac_ns_enter: RBAC_NS_TMP, a private tmpfs for the test's files.

rbac_ns_say() {
	printf '%s\n' "ns-harness: $*" >&2
}

rbac_ns_enter() {
	if [[ -n ${RBAC_NS_INSIDE:-} ]]; then
		_rbac_ns_setup_tmp
		return 0
	fi
	if ((EUID != 0)); then
		echo "SKIP: needs root (a private mount namespace with a test /dev/log)"
		exit 77
	fi
	if ! command -v unshare >/dev/null || ! unshare -m --propagation private true 2>/dev/null; then
		echo "SKIP: unshare -m does not work here (util-linux, CAP_SYS_ADMIN)"
		exit 77
	fi
	RBAC_NS_INSIDE=1 exec unshare -m --propagation private -- "$BASH" "$0" "$@"
}

# The test's own scratch space: a tmpfs on a fresh mount point under /tmp,
# gone with the namespace.
_rbac_ns_setup_tmp() {
	RBAC_NS_TMP=$(mktemp -d /tmp/rbac-ns.XXXXXX) || exit 99
	mount -t tmpfs -o mode=0755 rbac-ns "$RBAC_NS_TMP" || exit 99
	# The mount point itself is on the real /tmp; remove it at exit.
	rbac_on_exit "umount -l '$RBAC_NS_TMP' 2>/dev/null; rmdir '$RBAC_NS_TMP' 2>/dev/null"
	export RBAC_NS_TMP
}

_rbac_ns_mirror_entry() {
	local src=$1 dst=$2
	if [[ -L $src ]]; then
		ln -s "$(readlink "$src")" "$dst"
	elif [[ -d $src ]]; then
		mkdir "$dst" && mount --rbind "$src" "$dst"
	else
		: >"$dst" && mount --bind "$src" "$dst"
	fi
}

rbac_ns_shadow_dir() {
	local dir=$1 stage e
	[[ -n ${RBAC_NS_INSIDE:-} ]] || {
		rbac_ns_say "rbac_ns_shadow_dir outside the namespace"
		exit 99
	}
	stage=$(mktemp -d "$RBAC_NS_TMP/shadow.XXXXXX") || exit 99
	mount -t tmpfs -o mode=0755 rbac-shadow "$stage" || exit 99
	chmod --reference="$dir" "$stage" && chown --reference="$dir" "$stage" || exit 99
	for e in "$dir"/* "$dir"/.[!.]* "$dir"/..?*; do
		[[ -e $e || -L $e ]] || continue
		_rbac_ns_mirror_entry "$e" "$stage/${e##*/}" || {
			rbac_ns_say "cannot mirror $e"
			exit 99
		}
	done
	mount --move "$stage" "$dir" || exit 99
}

rbac_ns_bind_file() {
	mount --bind "$1" "$2" || {
		rbac_ns_say "cannot bind $1 over $2"
		exit 99
	}
}

rbac_syslog_start() {
	local sink=${abs_top_builddir:-}/tests/system/syslog-sink i
	RBAC_SYSLOG_FILE=${1:-$RBAC_NS_TMP/syslog}
	export RBAC_SYSLOG_FILE
	if [[ ! -x $sink ]]; then
		rbac_ns_say "$sink not built"
		exit 99
	fi
	[[ -e /dev/log ]] && rbac_ns_say "note: replacing the existing /dev/log in the namespace"
	rbac_ns_shadow_dir /dev
	rm -f /dev/log
	: >"$RBAC_SYSLOG_FILE"
	"$sink" /dev/log "$RBAC_SYSLOG_FILE" </dev/null &
	_rbac_syslog_pid=$!
	rbac_on_exit "kill $_rbac_syslog_pid 2>/dev/null; wait $_rbac_syslog_pid 2>/dev/null"
	for ((i = 0; i < 50; i++)); do
		[[ -S /dev/log ]] && return 0
		sleep 0.1
	done
	rbac_ns_say "syslog-sink did not create /dev/log"
	exit 99
}

rbac_syslog_count() {
	wc -l <"$RBAC_SYSLOG_FILE"
}

rbac_syslog_wait_lines() {
	local n=$1 i
	for ((i = 0; i < 50; i++)); do
		(($(rbac_syslog_count) > n)) && return 0
		sleep 0.1
	done
	return 1
}

rbac_syslog_since() {
	tail -n "+$(($1 + 1))" "$RBAC_SYSLOG_FILE" | grep -a -e "${2:-}" || true
}
