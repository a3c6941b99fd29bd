#!/bin/bash
# bench/install-deps.sh -- install the anchors the benchmark compares
# against (nslcd/libnss-ldapd/libpam-ldapd, SSSD's LDAP provider with
# libnss-sss/libpam-sss, hyperfine) without letting their maintainer
# scripts change the machine's name-service or PAM configuration.
#
# libnss-ldapd's and libnss-sss's postinst add themselves to
# /etc/nsswitch.conf; libpam-ldapd and libpam-sss run pam-auth-update,
# which rewrites /etc/pam.d/common-*. So: preseed what debconf allows,
# keep a copy of those files, install, remove the PAM profiles again with
# "pam-auth-update --package --remove", and put back any byte that still
# differs. Services the packages start (policy-rc.d permitting) are stopped.
set -euo pipefail

PKGS=(nslcd libnss-ldapd libpam-ldapd sssd-ldap sssd-common libnss-sss libpam-sss hyperfine time)

preseed() {
	debconf-set-selections <<'SEL'
libnss-ldapd libnss-ldapd/nsswitch multiselect
libnss-ldapd libnss-ldapd/clean_nsswitch boolean false
libpam-ldapd libpam-ldapd/enable_shadow boolean false
nslcd nslcd/ldap-uris string ldap://127.0.0.1/
nslcd nslcd/ldap-base string dc=example,dc=org
nslcd nslcd/ldap-auth-type select none
SEL
}

save_system_files() {
	SAVE=$(mktemp -d /tmp/bench-deps.XXXXXX)
	cp -a /etc/nsswitch.conf /etc/pam.d "$SAVE/"
}

restore_system_files() {
	pam-auth-update --package --remove ldap sss >/dev/null 2>&1 || true
	if ! cmp -s "$SAVE/nsswitch.conf" /etc/nsswitch.conf; then
		echo "install-deps: restoring /etc/nsswitch.conf changed by a postinst" >&2
		cat "$SAVE/nsswitch.conf" >/etc/nsswitch.conf
	fi
	local f
	for f in "$SAVE"/pam.d/*; do
		cmp -s "$f" "/etc/pam.d/${f##*/}" && continue
		echo "install-deps: restoring /etc/pam.d/${f##*/}" >&2
		cat "$f" >"/etc/pam.d/${f##*/}"
	done
	diff -r "$SAVE/pam.d" /etc/pam.d >&2 || echo "install-deps: note: new files in /etc/pam.d (package defaults)" >&2
}

stop_started_services() {
	local svc
	for svc in nslcd sssd; do
		pgrep -x "$svc" >/dev/null || continue
		echo "install-deps: stopping $svc started by its package" >&2
		service "$svc" stop >/dev/null 2>&1 || true
	done
}

main() {
	((EUID == 0)) || { echo "install-deps: needs root" >&2; exit 1; }
	preseed
	save_system_files
	trap restore_system_files EXIT
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PKGS[@]}"
	stop_started_services
}

main "$@"
