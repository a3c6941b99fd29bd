#!/bin/bash
# The main job on an embedded default, in one command on a fresh Debian 12
# machine (as root):
#
#   bash tests/demo.sh
#
# Installs what it needs, builds, starts a throwaway slapd on 127.0.0.1
# loaded with etc/example/directory.ldif, runs `rbacctl refresh`, and shows
# the role groups through libnss_rbac.so.2 (getent, id), the decision of
# pam_rbac.so for every example user at sshd and sudo (the real module
# through the real libpam), and `rbacctl check` explaining two of them.
# Everything runs in a private mount namespace: no file of the machine is
# changed, and slapd is stopped at the end.
set -euo pipefail

cd "$(dirname "$0")/.."
top=$(pwd)
# shellcheck source=SCRIPTDIR/deps.sh
. "$top/tests/deps.sh"

echo "demo: installing the Debian packages (apt-get) ..."
rbac_install_deps >"$top/demo-apt.log" 2>&1 || {
	cat "$top/demo-apt.log" >&2
	exit 1
}
echo "demo: building into build-demo/ ..."
{
	autoreconf -fi
	mkdir -p build-demo
	cd build-demo
	"$top/configure"
	make -j2
	make tests/integration/check_pam_acct tests/system/syslog-sink
} >"$top/demo-build.log" 2>&1 || {
	tail -n 40 "$top/demo-build.log" >&2
	exit 1
}
export abs_top_builddir=$top/build-demo srcdir=$top
exec bash "$top/tests/demo-run.sh"
