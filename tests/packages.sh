#!/bin/bash
# packages.sh [BUILDDIR] -- the Debian packages, as CI checks them:
#
#   1. a clean clone of this tree's HEAD (committed files only) is built
#      with `dpkg-buildpackage -us -uc -b` (DEB_BUILD_OPTIONS=nocheck: the
#      suite runs elsewhere in CI);
#   2. lintian reports no error, warning or information tag that debian/
#      does not override with its reason;
#   3. tests/system/packages-install.sh installs, exercises, removes and
#      purges the four packages on a throwaway overlay of this host;
#   4. this machine's /etc/nsswitch.conf, /etc/pam.d, /var/lib/pam and
#      /var/lib/dpkg/status are the same before and after.
#
# BUILDDIR (default build-ci) is a configured build tree whose check
# programs are built (make check): the install test uses its syslog sink.
# Root only. Needs debhelper, dh-nss, lintian (tests/deps.sh).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$top/build-ci}" && pwd)

for t in dpkg-buildpackage dh dh_installnss lintian git unshare; do
	if ! command -v "$t" >/dev/null; then
		echo "packages.sh: $t not found (tests/deps.sh installs it)" >&2
		exit 1
	fi
done
if ((EUID != 0)); then
	echo "packages.sh: needs root (dpkg in a private mount namespace)" >&2
	exit 1
fi

ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
host_state() {
	sha256sum /etc/nsswitch.conf /var/lib/dpkg/status
	find /etc/pam.d /var/lib/pam -type f -print0 | sort -z | xargs -0 sha256sum
	# Where the packages put files: nothing appears, nothing goes.
	{ ls -ld /usr/share/pam-configs/* /etc/ldap/schema/* /etc/rbac.conf /usr/share/rbac \
		"/lib/$ma/libnss_rbac.so.2" "/lib/$ma/security/pam_rbac.so" /usr/sbin/rbacctl \
		/lib/systemd/system/rbac-* /etc/systemd/system/timers.target.wants/* 2>&1 || true; } | sort
}
before=$(host_state)

tmp=$(mktemp -d /tmp/rbac-packages.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if ! head=$(git -C "$top" rev-parse --short HEAD 2>/dev/null); then
	echo "packages.sh: $top is not a git work tree (the build is from a clean clone of HEAD)" >&2
	exit 1
fi
echo "packages: clean clone of $head"
git clone -q --no-local "$top" "$tmp/src"
(cd "$tmp/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) \
	>"$tmp/build.log" 2>&1 || {
	tail -n 60 "$tmp/build.log" >&2
	echo "packages: dpkg-buildpackage failed" >&2
	exit 1
}
ls "$tmp"/*.deb

# Every error, warning or information tag that debian/*.lintian-overrides
# does not override (each with its reason) fails; pedantic and experimental
# ones are shown. The overridden ones are listed for the log.
changes=$(echo "$tmp"/nss-pam-rbac_*.changes)
if ! lintian --fail-on error,warning,info -EIL +pedantic "$changes" >"$tmp/lintian.log" 2>&1; then
	cat "$tmp/lintian.log" >&2
	echo "packages: lintian: errors, warnings or information tags not overridden" >&2
	exit 1
fi
grep -E '^[A-Z]: ' "$tmp/lintian.log" || echo "lintian: no tag"
lintian --show-overrides -EIL +pedantic "$changes" 2>/dev/null | grep '^O: ' || true

abs_top_builddir=$builddir RBAC_SRCDIR=$top \
	bash "$top/tests/system/packages-install.sh" "$tmp"

after=$(host_state)
if [[ $before != "$after" ]]; then
	diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") >&2 || true
	echo "packages: this machine's files changed" >&2
	exit 1
fi
echo "packages: this machine's nsswitch.conf, pam.d, /var/lib/pam, dpkg status and the packages' paths unchanged"
