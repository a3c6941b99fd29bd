# etc/: the files of etc/ that belong to no one module (pam_rbac/local.mk
# ships etc/pam.d and etc/pam-configs). Included from the top-level
# Makefile.am.

dist_noinst_DATA += \
	etc/schema/rbac.schema etc/schema/rbac.ldif \
	etc/example/directory.ldif \
	etc/rbac.conf.example etc/rbac.conf.default

# The slapd side of rbac-syncd (rbac-syncd(8), SLAPD): examples to edit and
# apply, not configuration, so they go with the documentation.
slapdexampledir = $(docdir)/slapd
dist_slapdexample_DATA = etc/slapd/rbac-syncprov.ldif etc/slapd/rbac-syncprov.conf \
	etc/slapd/rbac-accesslog.conf etc/slapd/rbac-accesslog.ldif
# Delegated administration by role (rbac-acl(7)): the same access rules for
# slapd.conf and cn=config.
dist_slapdexample_DATA += etc/slapd/rbac-acl.conf etc/slapd/rbac-acl.ldif
dist_man7_MANS = man/rbac-acl.7

# The refresh timer (nss_rbac(8), TIMER): systemd units and a cron alternative.
# Installed to $(systemdsystemunitdir), by default $(prefix)/lib/systemd/system
# (Debian with --prefix=/usr: /usr/lib/systemd/system); override with
# `make install systemdsystemunitdir=DIR`. The cron file is an example only
# (etc/cron.d/rbac-refresh), not installed, so the two never both run.
systemdsystemunitdir = $(prefix)/lib/systemd/system
nodist_systemdsystemunit_DATA = etc/systemd/rbac-refresh.service
dist_systemdsystemunit_DATA = etc/systemd/rbac-refresh.timer
EXTRA_DIST += etc/systemd/rbac-refresh.service.in etc/cron.d/rbac-refresh
DISTCLEANFILES = etc/systemd/rbac-refresh.service

# The live sync agent's manual, and its unit; the unit conflicts with the
# timer.
dist_man8_MANS = man/rbac-syncd.8
nodist_systemdsystemunit_DATA += etc/systemd/rbac-syncd.service
EXTRA_DIST += etc/systemd/rbac-syncd.service.in
DISTCLEANFILES += etc/systemd/rbac-syncd.service

unit_subst = $(MKDIR_P) etc/systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@RBAC_CACHE_DIR[@]|$(RBAC_CACHE_DIR)|g'

etc/systemd/rbac-refresh.service: $(srcdir)/etc/systemd/rbac-refresh.service.in Makefile
	$(AM_V_GEN)$(unit_subst) $(srcdir)/etc/systemd/rbac-refresh.service.in >$@.tmp && mv $@.tmp $@

etc/systemd/rbac-syncd.service: $(srcdir)/etc/systemd/rbac-syncd.service.in Makefile
	$(AM_V_GEN)$(unit_subst) $(srcdir)/etc/systemd/rbac-syncd.service.in >$@.tmp && mv $@.tmp $@

# The units as shipped, and the cron example.
TESTS += tests/integration/refresh_units.test tests/integration/syncd_units.test
EXTRA_DIST += tests/integration/refresh_units.test tests/integration/syncd_units.test
# Their hardening: systemd-analyze security's score of each, and each
# ExecStart= run inside the unit's sandbox rebuilt (systemd is not PID 1 in
# CI; tests/system/unit-sandbox.sh).
TESTS += tests/integration/units-security.test tests/system/units-sandbox.test

# The authselect vendor profile (Fedora/RHEL; README): shipped in the
# tarball for a packager to install as /usr/share/authselect/vendor/rbac/,
# not installed here. Its templates rendered and run through libpam.
authselect_profile = etc/authselect/rbac/README etc/authselect/rbac/REQUIREMENTS \
	etc/authselect/rbac/nsswitch.conf etc/authselect/rbac/system-auth \
	etc/authselect/rbac/password-auth etc/authselect/rbac/postlogin
EXTRA_DIST += $(authselect_profile) tests/integration/authselect.test
TESTS += tests/integration/authselect.test
EXTRA_DIST += tests/integration/units-security.test tests/system/units-sandbox.test \
	tests/system/unit-sandbox.sh
