#!/bin/bash
#
# packages-install.sh DEBDIR -- the four Debian packages built by
# tests/packages.sh, installed with dpkg on a throwaway copy of this host:
#
#   - installed before /etc/rbac.conf is configured, nobody is locked out
#     (a key login through sshd's real account stack, pam_rbac says
#     not_configured) and `group: files rbac` answers from files;
#   - README.md's "Install from packages" set-up (its rbac.conf block with
#     the test server's URI, the refresh the timer runs, rbacctl status
#     and check) against a real slapd that loads the INSTALLED schema and
#     example directory;
#   - a real sshd login decided by the INSTALLED pam_rbac.so (through the
#     common-account line pam-auth-update wrote), getent/id answered by the
#     INSTALLED libnss_rbac.so.2 (through nsswitch.conf as dh-nss left it);
#   - remove and purge: /etc/nsswitch.conf, /etc/pam.d/* and /var/lib/pam/*
#     byte-identical to before, no file of the packages left;
#   - an admin's own edit of nsswitch.conf survives a reinstall.
#
# Everything happens in a private mount namespace in which /etc, /usr and
# /var are overlays whose upper layers are a tmpfs: dpkg, pam-auth-update,
# dh-nss's scripts and ldconfig write only there, and it all vanishes with
# the namespace. No service is started (policy-rc.d, no /run/systemd).
#
# Root only; called by tests/packages.sh with abs_top_builddir set (the
# syslog sink of the build). Exit 77 only when a tool is missing.

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/system-harness.sh
. "$here/system-harness.sh"

DEBDIR=$(cd "${1:?usage: packages-install.sh DEBDIR}" && pwd) || exit 99
TREE=$RBAC_SRCDIR
README=$TREE/README.md
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH) || exit 99
PAM_SO=/lib/$MA/security/pam_rbac.so
NSS_SO=/lib/$MA/libnss_rbac.so.2
SSHD=/usr/sbin/sshd
for p in dpkg "$SSHD" ssh ssh-keygen getent pam-auth-update; do
	if ! command -v "$p" >/dev/null; then
		echo "SKIP: $p not found (tests/deps.sh installs it)"
		exit 77
	fi
done

# readme_block OPENER: the body of README.md's block opened by the line
# OPENER ("```LANG NAME"), indented or not (inside a list item), with the
# opener's indentation taken off every line.
readme_block() {
	awk -v open="$1" '
		!inside && substr($0, match($0, /[^ ]/)) == open {
			inside = 1; found++; indent = RSTART - 1; next
		}
		inside && $0 ~ "^ *```" { inside = 0; next }
		inside { print substr($0, indent + 1) }
		END { exit found == 1 ? 0 : 1 }
	' "$README"
}

rbac_ns_enter "$@"
T=$RBAC_NS_TMP

# ---------------------------------------------------------------------------
# The throwaway host: /etc, /usr and /var as overlays (one per directory:
# an overlay cannot have / itself as its lower layer). A mount below one of
# them (a container's /etc/hosts) would be hidden: bind it again on top.

overlay_dir() {
	local dir=$1 name=${1//\//_} keep m subs=()
	keep=$T/ov/$name/keep
	mapfile -t subs < <(findmnt -rn -o TARGET | grep "^$dir/" | sort)
	mkdir -p "$T/ov/$name/up" "$T/ov/$name/work" "$keep"
	for m in "${subs[@]}"; do
		mkdir -p "$(dirname "$keep$m")"
		if [[ -d $m ]]; then mkdir -p "$keep$m"; else : >"$keep$m"; fi
		mount --bind "$m" "$keep$m" || exit 99
	done
	mount -t overlay "rbac-pkg$name" \
		-o "lowerdir=$dir,upperdir=$T/ov/$name/up,workdir=$T/ov/$name/work" "$dir" || {
		echo "cannot put an overlay on $dir" >&2
		exit 99
	}
	for m in "${subs[@]}"; do
		mount --bind "$keep$m" "$m" || exit 99
	done
}
for d in /etc /usr /var; do
	overlay_dir "$d"
done
# Not a single byte of the real directories may change: prove the overlay
# is there before anything writes.
for d in /etc /usr /var; do
	if [[ $(findmnt -n -o FSTYPE "$d") != overlay ]]; then
		echo "$d is not the overlay" >&2
		exit 99
	fi
done

rbac_syslog_start
rbac_ns_shadow_dir /run
# No service manager and no nscd of the real host answer in here:
# deb-systemd-invoke and the postinst see no running systemd, policy-rc.d
# refuses every start, and glibc asks the modules, not the host's nscd.
# /run is the harness's tmpfs of bind mounts: unmount the two entries and
# remove only what is left of them in the tmpfs (an empty directory or
# file), never anything behind a mount.
if [[ $(findmnt -n -o SOURCE /run) != rbac-shadow ]]; then
	echo "/run is not the private shadow" >&2
	exit 99
fi
for r in /run/systemd /run/nscd; do
	[[ -e $r || -L $r ]] || continue
	if mountpoint -q "$r"; then
		umount -l "$r" || exit 99
	fi
	if mountpoint -q "$r"; then
		echo "$r is still mounted" >&2
		exit 99
	fi
	if [[ -d $r && ! -L $r ]]; then
		rmdir "$r" || exit 99
	else
		rm -f "$r"
	fi
done
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d

SYS_TMP=$T
_sys_copy_etc passwd group shadow
mkdir -p "$T/home"
users=(alice bob grace)
uid=62001
for u in "${users[@]}"; do
	system_add_user "$u" "$uid"
	uid=$((uid + 1))
done

# pam-auth-update rebuilds common-* from every profile in
# /usr/share/pam-configs and enables each Default: yes profile it has not
# seen (/var/lib/pam/seen). A host where a profile's package was removed
# without its profile, or a profile was taken out with --remove (bench/
# does that for sss and ldap), is not in the state pam-auth-update itself
# would write, and ANY package's postinst would change it. Start this copy
# from pam-auth-update's own state for the profiles the host has seen
# (the others hidden, in this namespace only), so that install and purge
# can be compared byte for byte.
for p in /usr/share/pam-configs/*; do
	[[ -f $p ]] || continue
	grep -qx "${p##*/}" /var/lib/pam/seen 2>/dev/null || rm -f "$p"
done
pam-auth-update --package || exit 99

# The state dpkg's scripts may touch, as it was before the packages.
snap() { # snap DIR: copies of the files the packages must leave as found
	mkdir -p "$1"
	cp -a /etc/nsswitch.conf /etc/pam.d /var/lib/pam "$1/"
}
same_as() { # same_as WHAT DIR
	local d
	d=$(diff -r "$2/nsswitch.conf" /etc/nsswitch.conf 2>&1
		diff -r "$2/pam.d" /etc/pam.d 2>&1
		diff -r "$2/pam" /var/lib/pam 2>&1)
	check "$1: nsswitch.conf, pam.d/*, /var/lib/pam/* byte-identical" "" "$d"
}
snap "$T/before"

debs=()
for p in libnss-rbac libpam-rbac rbac-tools rbac-schema; do
	f=$(find "$DEBDIR" -maxdepth 1 -name "${p}_*.deb" | sort | tail -n 1)
	[[ -n $f ]] || {
		echo "no ${p}_*.deb in $DEBDIR" >&2
		exit 99
	}
	debs+=("$f")
done

# The module files as the .debs hold them, to tell them from any other copy.
mkdir -p "$T/x"
for f in "${debs[@]}"; do
	dpkg-deb -x "$f" "$T/x"
done

# ---------------------------------------------------------------------------
section "install all four packages"

# README's install command, exactly as written: it runs in the source tree
# and names ../*.deb, so here the .debs sit one level up.
if install_cmd=$(readme_block '```sh package=install'); then
	pass "README: the install block"
else
	fail "README: no single \`\`\`sh package=install block"
fi
mkdir -p "$T/pkgsrc"
ln -s "${debs[@]}" "$T/"
if ! (cd "$T/pkgsrc" && DEBIAN_FRONTEND=noninteractive bash -e <<<"$install_cmd") \
	</dev/null >"$T/dpkg-install.log" 2>&1; then
	cat "$T/dpkg-install.log"
	fail "README's apt install"
fi
check "dpkg: four packages installed" "ii ii ii ii" \
	"$(dpkg-query -W -f='${db:Status-Abbrev}\n' libnss-rbac libpam-rbac rbac-tools rbac-schema |
		tr -d ' ' | tr '\n' ' ' | sed 's/ $//')"
for f in "$PAM_SO" "$NSS_SO"; do
	if [[ -f $f && ! -L $f ]] && cmp -s "$f" "$T/x$f"; then
		pass "$f: a real file, the one in the .deb"
	else
		fail "$f: missing, a symlink, or not the packaged file"
	fi
done
check "nsswitch.conf: rbac added last to group:" "rbac" \
	"$(sed -n 's/^group:[[:space:]]*\(.*\)$/\1/p' /etc/nsswitch.conf | awk '{print $NF}')"
check "common-account: the profile's line" "account	required	pam_rbac.so" \
	"$(grep 'pam_rbac' /etc/pam.d/common-account | sed 's/[[:space:]]*$//')"
check "/var/lib/pam/seen has rbac" "rbac" "$(grep -x rbac /var/lib/pam/seen)"
diffs=$(diff "$TREE/etc/schema/rbac.schema" /etc/ldap/schema/rbac.schema 2>&1
	diff "$TREE/etc/schema/rbac.ldif" /etc/ldap/schema/rbac.ldif 2>&1
	diff -r "$TREE/etc/slapd" /usr/share/rbac/slapd 2>&1
	diff "$TREE/etc/example/directory.ldif" /usr/share/rbac/example/directory.ldif 2>&1)
check "rbac-schema: the schema, every slapd template and the example, as in the tree" "" "$diffs"
check "/etc/rbac.conf is a conffile of rbac-tools" "/etc/rbac.conf" \
	"$(dpkg-query -W -f='${Conffiles}\n' rbac-tools | awk '$1 == "/etc/rbac.conf" {print $1}')"
check "the timer is enabled, the agent is not" \
	"/etc/systemd/system/timers.target.wants/rbac-refresh.timer -" \
	"$(ls /etc/systemd/system/timers.target.wants/rbac-refresh.timer) \
$(ls /etc/systemd/system/multi-user.target.wants/rbac-syncd.service 2>/dev/null || echo -)"

# ---------------------------------------------------------------------------
# sshd on 127.0.0.1 with Debian's account stack as pam-auth-update wrote it:
# /etc/pam.d/sshd includes common-account and nothing else names pam_rbac.

S=$T/sshd
mkdir -p "$S/keys" /run/sshd
chmod 0755 "$S" "$S/keys" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$S/host_key" -C rbac-pkg-host || exit 99
ssh-keygen -q -t ed25519 -N '' -f "$S/client_key" -C rbac-pkg-client || exit 99
for u in "${users[@]}"; do
	install -m 0644 "$S/client_key.pub" "$S/keys/$u"
done
cat >"$S/pam.sshd" <<'EOF'
# Public-key logins never reach the auth stack; the account stack decides.
auth     required pam_deny.so
@include common-account
session  required pam_permit.so
password required pam_deny.so
EOF
# Over /etc/pam.d/sshd for the logins only: unmounted before every
# comparison of /etc/pam.d.
sshd_pam_on() { system_bind_etc pam.d/sshd "$S/pam.sshd"; }
sshd_pam_off() { umount /etc/pam.d/sshd; }
PORT=$(system_free_port) || exit 99
cat >"$S/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $PORT
HostKey $S/host_key
PidFile $S/sshd.pid
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile $S/keys/%u
StrictModes no
PermitRootLogin no
UseDNS no
LogLevel VERBOSE
EOF
"$SSHD" -D -e -f "$S/sshd_config" </dev/null >"$S/sshd.log" 2>&1 &
sshd_pid=$!
rbac_on_exit "kill $sshd_pid 2>/dev/null; wait $sshd_pid 2>/dev/null"
for ((i = 0; i < 50; i++)); do
	grep -q 'Server listening' "$S/sshd.log" && break
	sleep 0.1
done
grep -q 'Server listening' "$S/sshd.log" || {
	cat "$S/sshd.log" >&2
	exit 99
}

# login USER: SSH_RC, SSH_OUT, SSH_ERR and PAM_LOG (pam_rbac's lines).
login() {
	local before
	before=$(rbac_syslog_count)
	SSH_OUT=$(ssh -F /dev/null -i "$S/client_key" -p "$PORT" -o BatchMode=yes \
		-o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o ConnectTimeout=10 "$1@127.0.0.1" 'id -un' 2>"$S/ssh.err" </dev/null)
	SSH_RC=$?
	SSH_ERR=$(cat "$S/ssh.err")
	pam_wait_decisions "$before" 1
	sleep 0.2
	PAM_LOG=$(rbac_syslog_since "$before" 'pam_rbac(')
}

# ---------------------------------------------------------------------------
section "before /etc/rbac.conf is configured: nobody is locked out"

check "/etc/rbac.conf is the shipped default" "" "$(cmp "$TREE/etc/rbac.conf.default" /etc/rbac.conf 2>&1)"
sshd_pam_on
login alice
check "alice logs in through the unconfigured module" "0 alice" "$SSH_RC $SSH_OUT"
if grep -q 'reason=not_configured' <<<"$PAM_LOG"; then
	pass "pam_rbac says not_configured"
else
	fail "pam_rbac's log: [$PAM_LOG]"
fi
sshd_pam_off
says() { grep -q -- "$1" <<<"$out" && echo yes || echo no; }
pam_line=$(grep 'reason=not_configured' <<<"$PAM_LOG")
check "the line says decision=ignore" 1 "$(grep -c 'decision=ignore' <<<"$pam_line")"
out=$(rbacctl refresh 2>&1)
rc=$?
check "rbacctl refresh (the timer's): exit 6, not configured" "6 yes" "$rc $(says 'not configured')"
check "... and writes nothing" "" "$(ls -A /var/cache/rbac 2>/dev/null)"
out=$(rbacctl status 2>&1)
rc=$?
check "rbacctl status: exit 1, not configured" "1 yes" "$rc $(says 'not configured')"
out=$(rbacctl check alice 2>&1)
rc=$?
check "rbacctl check alice: exit 0, not_configured" "0 yes" "$rc $(says 'reason *not_configured')"
check "getent group root: files answer" "root:x:0:" "$(getent group root)"
getent group rbac-admin >/dev/null
check "getent group rbac-admin: no snapshot, not found" 2 "$?"

# ---------------------------------------------------------------------------
section "README's set-up against a slapd with the installed schema"

# The harness's slapd loads RBAC_SRCDIR/etc/schema/rbac.schema and the
# example directory: point it at the files the packages installed.
mkdir -p "$T/pkgtree/etc/schema" "$T/pkgtree/etc/example"
ln -s /etc/ldap/schema/rbac.schema "$T/pkgtree/etc/schema/rbac.schema"
ln -s /usr/share/rbac/example/directory.ldif "$T/pkgtree/etc/example/directory.ldif"
RBAC_SRCDIR=$T/pkgtree rbac_slapd_start

if conf=$(readme_block '```conf package=rbac.conf'); then
	pass "README: the rbac.conf block"
else
	fail "README: no single \`\`\`conf package=rbac.conf block"
fi
# Only the servers differ: the test's slapd instead of ldap1/ldap2.
sed -E "s|^([[:space:]]*uri = ).*|\1[ \"$RBAC_TEST_URI\" ];|" <<<"$conf" >/etc/rbac.conf
chmod 0644 /etc/rbac.conf
grep -q "$RBAC_TEST_URI" /etc/rbac.conf || fail "README's rbac.conf has no uri line"
# What the enabled timer starts: the refresh service's ExecStart, as installed.
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/rbac-refresh.service)
check "rbac-refresh.service runs the installed rbacctl" "/usr/sbin/rbacctl refresh --quiet" "$exec_start"
$exec_start
check "the refresh (the timer's service)" 0 "$?"
if cmds=$(readme_block '```sh package=check'); then
	pass "README: the check block"
else
	fail "README: no single \`\`\`sh package=check block"
fi
out=$(bash -e <<<"$cmds" 2>&1)
rc=$?
printf '%s\n' "$out"
check "README's checks: exit status" 0 "$rc"
grep -q 'granted' <<<"$out" || fail "rbacctl check alice does not say granted"

section "sshd decided by the installed pam_rbac.so"

sshd_pam_on
login alice
check "alice (admin): logged in" "0 alice" "$SSH_RC $SSH_OUT"
expect_log "alice: granted" decision=allow reason=granted user=alice service=sshd rhost=127.0.0.1
login bob
check "bob (suspended): refused" "255 " "$SSH_RC $SSH_OUT"
expect_log "bob: suspended" decision=deny reason=suspended user=bob service=sshd
if grep -qF 'Access denied: your account is suspended' <<<"$SSH_ERR"; then
	pass "bob: the client shows the reason"
else
	fail "bob: client stderr [$SSH_ERR]"
fi
login grace
check "grace (no role): refused" "255 " "$SSH_RC $SSH_OUT"
expect_log "grace: no_roles" decision=deny reason=no_roles user=grace service=sshd
# The module sshd loaded is the packaged file: with it moved away the
# stack cannot load its required module and refuses even alice.
mv "$PAM_SO" "$T/moved-pam.so"
login alice
check "without the installed pam_rbac.so: refused" "255 " "$SSH_RC $SSH_OUT"
mv "$T/moved-pam.so" "$PAM_SO"
login alice
check "with it back: logged in" "0 alice" "$SSH_RC $SSH_OUT"
sshd_pam_off
check "no other pam_rbac.so in the stack" "pam_rbac.so" \
	"$(grep -rho 'pam_rbac[^[:space:]]*' /etc/pam.d | sort -u)"

section "getent and id through the installed libnss_rbac.so.2"

members=$(getent group rbac-admin)
check "getent group rbac-admin: alice is a member" "alice" \
	"$(cut -d: -f4 <<<"$members" | tr ',' '\n' | grep -x alice)"
if id -Gn alice | tr ' ' '\n' | grep -qx rbac-admin; then
	pass "id alice: rbac-admin"
else
	fail "id alice: [$(id -Gn alice)]"
fi
# The answer came from the packaged module through nsswitch.conf: with the
# module file moved away, the same lookup finds nothing.
mv "$NSS_SO" "$T/moved.so"
getent group rbac-admin >/dev/null
check "without the installed module: not found" 2 "$?"
mv "$T/moved.so" "$NSS_SO"
getent group rbac-admin >/dev/null
check "with it back: found" 0 "$?"

# ---------------------------------------------------------------------------
section "remove, then purge"

if ! dpkg -r libnss-rbac libpam-rbac rbac-tools rbac-schema >"$T/dpkg-remove.log" 2>&1; then
	cat "$T/dpkg-remove.log"
	fail "dpkg -r"
fi
same_as "after remove" "$T/before"
if [[ -f /etc/rbac.conf ]]; then
	pass "remove keeps the admin's /etc/rbac.conf"
else
	fail "remove deleted /etc/rbac.conf"
fi
if ! dpkg -P libnss-rbac libpam-rbac rbac-tools rbac-schema >"$T/dpkg-purge.log" 2>&1; then
	cat "$T/dpkg-purge.log"
	fail "dpkg -P"
fi
same_as "after purge" "$T/before"
left=''
while read -r f; do
	f=${f#.}
	[[ -z $f || -d $f ]] && continue
	[[ -e $f ]] && left+="$f "
done < <(cd "$T/x" && find . ! -type d)
for f in /etc/rbac.conf /var/cache/rbac /etc/systemd/system/timers.target.wants/rbac-refresh.timer; do
	[[ -e $f ]] && left+="$f "
done
check "purge leaves no file of the packages" "" "$left"
check "dpkg knows none of them" "" \
	"$(dpkg-query -W -f='${db:Status-Abbrev}${Package}\n' libnss-rbac libpam-rbac rbac-tools rbac-schema 2>/dev/null | grep -v '^un ' || true)"

# ---------------------------------------------------------------------------
section "an admin's edit of nsswitch.conf survives a reinstall"

dpkg -i "${debs[@]}" >"$T/dpkg-install2.log" 2>&1 || fail "dpkg -i again"
# The admin keeps rbac but puts it first, and notes why.
sed -i -E 's/^(group:[[:space:]]*)(.*) rbac$/# rbac first: site policy\n\1rbac \2/' /etc/nsswitch.conf
grep -q '^group:[[:space:]]*rbac ' /etc/nsswitch.conf || fail "the admin's edit did not apply"
cp -p /etc/nsswitch.conf "$T/nsswitch.admin"
dpkg -i "${debs[@]}" >"$T/dpkg-reinstall.log" 2>&1 || fail "dpkg -i (reinstall)"
check "reinstall: the admin's nsswitch.conf unchanged" "" "$(diff "$T/nsswitch.admin" /etc/nsswitch.conf)"
# And when the admin took rbac out, a reinstall does not put it back.
sed -i -E '/^group:/ s/ ?rbac//' /etc/nsswitch.conf
cp -p /etc/nsswitch.conf "$T/nsswitch.admin2"
dpkg -i "${debs[@]}" >"$T/dpkg-reinstall2.log" 2>&1 || fail "dpkg -i (reinstall 2)"
check "reinstall: rbac not added back" "" "$(diff "$T/nsswitch.admin2" /etc/nsswitch.conf)"
section "a profile the admin turned off stays off after a reinstall"

pam-auth-update --disable rbac
grep -q pam_rbac /etc/pam.d/common-account && fail "pam-auth-update --disable rbac left the line"
dpkg -i "${debs[@]}" >"$T/dpkg-reinstall3.log" 2>&1 || fail "dpkg -i (reinstall 3)"
check "reinstall: common-account still without pam_rbac" "" "$(grep pam_rbac /etc/pam.d/common-account)"
dpkg -P libnss-rbac libpam-rbac rbac-tools rbac-schema >"$T/dpkg-purge2.log" 2>&1 || fail "dpkg -P again"

pam_harness_finish
