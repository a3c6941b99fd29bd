# shellcheck shell=bash
#
# deps.sh -- the Debian 12 packages the build, the tests and the demo need,
# and the one function that installs them (sourced by tests/ci.sh and
# tests/demo.sh). Needs root, or sudo.

RBAC_DEPS=(build-essential autoconf automake libtool pkg-config
	libconfig-dev libldap2-dev libpam0g-dev libxxhash-dev check
	libcsv-dev # rbacctl import
	libgnutls28-dev # the TLS library of libldap; tests/integration/fault-server
	slapd ldap-utils valgrind
	openssh-server openssh-client sudo
	clang clang-format libclang-rt-14-dev systemd jq
	hyperfine time openssl ca-certificates
	strace # tests/integration/pam-threads.test
	nscd   # tests/system/nscd.test runs its own, in a private namespace
	debhelper dh-nss lintian git # tests/packages.sh: dpkg-buildpackage, lintian
	graphviz) # tests/integration/rbacctl-graph.test renders rbacctl graph with dot

rbac_install_deps() {
	local sudo=
	if [ "$(id -u)" -ne 0 ]; then
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	# The tests and the demo run their own slapd on 127.0.0.1; the
	# package's own system server is not wanted.
	echo "slapd slapd/no_configuration boolean true" | $sudo debconf-set-selections
	$sudo apt-get update
	local had_nscd=
	dpkg -s nscd >/dev/null 2>&1 && had_nscd=1
	$sudo apt-get install -y --no-install-recommends "${RBAC_DEPS[@]}"
	# Nor is the nscd the package starts, unless this machine ran one before:
	# glibc asks a running nscd before any NSS module, so it would answer the
	# other tests' group lookups from its cache. (Where policy-rc.d forbids
	# starting services, as in a container, it never started.)
	if [ -z "$had_nscd" ]; then
		if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
			$sudo systemctl disable --now nscd.service >/dev/null 2>&1 || true
		fi
		if [ -S /run/nscd/socket ]; then
			$sudo /usr/sbin/nscd -K >/dev/null 2>&1 || true
		fi
	fi
}
