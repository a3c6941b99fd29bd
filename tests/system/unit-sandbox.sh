#!/bin/bash
#
# unit-sandbox.sh -- run a command the way systemd would run a shipped
# unit's ExecStart=, for hosts where systemd is not PID 1 (CI here): the
# unit's file-system, device, /proc, capability and umask settings are
# rebuilt in a private mount namespace, and the command runs under strace,
# whose log lets the caller check the settings systemd enforces in the
# kernel (SystemCallFilter=, RestrictAddressFamilies=,
# MemoryDenyWriteExecute=, RestrictNamespaces=) against every system call
# the command really made.
#
#   unit-sandbox.sh UNIT-FILE -- COMMAND [ARGS] 3>TRACE-LOG
#
# Root only. The trace log must be opened by the caller (fd 3): inside, the
# file system is read-only. RBAC_UNIT_SANDBOX_TRACE=no runs COMMAND without
# strace (the log stays empty): LeakSanitizer cannot run under ptrace. SIGTERM is passed on to COMMAND; the exit
# status is COMMAND's. Settings emulated, each as systemd.exec(5) describes
# it, and asserted to be in the unit with the value emulated (a unit that
# changes one fails here, exit 99, until this script follows):
#   ProtectSystem=strict     every mount read-only but /dev and /proc (and
#                            /sys too, as ProtectKernelTunables= does)
#   CacheDirectory=NAME      /var/cache/NAME writable (the caller creates it
#   ReadWritePaths=-DIR        with CacheDirectoryMode=), DIR if it exists
#   ProtectHome=yes          /home, /root, /run/user empty and inaccessible
#   PrivateTmp=yes           empty /tmp and /var/tmp
#   PrivateDevices=yes       /dev with null, zero, full, random, urandom,
#                            tty, shm and the caller's /dev/log only
#   ProtectProc=invisible,   /proc mounted hidepid=invisible,subset=pid
#   ProcSubset=pid
#   CapabilityBoundingSet=,  no capability at all (uid 0 stays), no new
#   NoNewPrivileges=yes      privileges
#   UMask=                   the unit's
# Not emulated: the seccomp filter and the address-family filter
# themselves (checked from the trace instead), IPC removal, the cgroup.

unit=$1
[[ $2 == -- && $# -ge 3 ]] || {
	echo "usage: unit-sandbox.sh UNIT-FILE -- COMMAND [ARGS] 3>TRACE-LOG" >&2
	exit 99
}
shift 2

say() {
	echo "unit-sandbox.sh: $*" >&2
}

if [[ -z ${RBAC_UNIT_SANDBOX_INSIDE:-} ]]; then
	[[ -f $unit ]] || {
		say "$unit: no such unit file"
		exit 99
	}
	{ : >&3; } 2>/dev/null || {
		say "the trace log (fd 3) is not open"
		exit 99
	}
	RBAC_UNIT_SANDBOX_INSIDE=1 exec unshare -m --propagation private -- \
		"$BASH" "$0" "$unit" -- "$@"
fi

# The value of KEY= in the unit (the last one, as systemd reads it).
key() {
	sed -n "s/^$1=//p" "$unit" | tail -n 1
}

require() {
	[[ $(key "$1") == "$2" ]] || {
		say "$unit: $1=$(key "$1"), but this script emulates $1=$2"
		exit 99
	}
}

require ProtectSystem strict
require ProtectHome yes
require PrivateTmp yes
require PrivateDevices yes
require ProtectProc invisible
require ProcSubset pid
require CapabilityBoundingSet ''
require NoNewPrivileges yes
umask_value=$(key UMask)
[[ $umask_value =~ ^0[0-7]{3}$ ]] || {
	say "$unit: UMask=$umask_value is not an octal mode"
	exit 99
}

# Writable: CacheDirectory= (as systemd made it, by the caller) and the
# ReadWritePaths= that exist, each made a mount of its own first so that
# it stays writable below.
writable=()
for name in $(key CacheDirectory); do
	writable+=("/var/cache/$name")
done
# shellcheck disable=SC2013 # space-separated paths, as systemd reads them
for path in $(sed -n 's/^ReadWritePaths=//p' "$unit"); do
	[[ $path == -* ]] && { [[ -d ${path#-} ]] || continue; }
	writable+=("${path#-}")
done
for path in "${writable[@]}"; do
	[[ -d $path ]] || {
		say "$path: the writable directory does not exist (systemd would create a CacheDirectory=)"
		exit 99
	}
	mount -n --bind "$path" "$path" || exit 99
done

is_writable() {
	local p
	for p in "${writable[@]}"; do
		[[ $1 == "$p" ]] && return 0
	done
	return 1
}

# ProtectSystem=strict (+ ProtectKernelTunables=, ProtectControlGroups=):
# every mount read-only, the deepest last so that none is left out.
while read -r mp; do
	case $mp in
	/dev | /dev/* | /proc | /proc/*) continue ;;
	esac
	is_writable "$mp" && continue
	mount -n -o remount,bind,ro "$mp" 2>/dev/null || {
		say "cannot make $mp read-only"
		exit 99
	}
done < <(awk '{ print $5 }' /proc/self/mountinfo | sort -u)

# ProtectHome=yes: empty and inaccessible (mode 000; no capability gets
# past it).
for dir in /home /root /run/user; do
	[[ -d $dir ]] || continue
	mount -n -t tmpfs -o ro,mode=000 rbac-inaccessible "$dir" || exit 99
done

# PrivateTmp=yes.
for dir in /tmp /var/tmp; do
	mount -n -t tmpfs -o mode=1777 rbac-private-tmp "$dir" || exit 99
done

# PrivateDevices=yes: a /dev of its own; the caller's /dev/log (a test
# sink) stays, as journald's does.
devs=$(mktemp -d /tmp/dev.XXXXXX) || exit 99
mount -n -t tmpfs -o mode=0755 rbac-private-dev "$devs" || exit 99
for node in null zero full random urandom tty; do
	: >"$devs/$node" && mount -n --bind "/dev/$node" "$devs/$node" || exit 99
done
mkdir -m 1777 "$devs/shm" || exit 99
if [[ -S /dev/log ]]; then
	: >"$devs/log" && mount -n --bind /dev/log "$devs/log" || exit 99
fi
mount -n --move "$devs" /dev && rmdir "$devs" || exit 99

# ProtectProc=invisible, ProcSubset=pid.
mount -n -t proc -o hidepid=invisible,subset=pid rbac-proc /proc || exit 99

umask "$umask_value"
tracer=(strace -f -qq -o /proc/self/fd/3 --)
[[ ${RBAC_UNIT_SANDBOX_TRACE:-yes} == no ]] && tracer=()
setpriv --no-new-privs --bounding-set=-all --inh-caps=-all --ambient-caps=-all \
	--clear-groups -- "${tracer[@]}" "$@" &
pid=$!
# SIGTERM is for the command, not for strace (which would only detach).
# shellcheck disable=SC2317 # a trap
forward() {
	local children
	if ((${#tracer[@]} == 0)); then
		kill -s TERM "$pid"
		return
	fi
	read -ra children <"/proc/$pid/task/$pid/children" 2>/dev/null
	((${#children[@]} == 0)) || kill -s TERM "${children[@]}"
}
trap forward TERM
rc=0
while :; do
	wait "$pid"
	rc=$?
	kill -0 "$pid" 2>/dev/null || break
done
exit "$rc"
