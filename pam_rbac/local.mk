# pam_rbac/: the PAM account module, its man pages, examples and tests.
# Included from the top-level Makefile.am.

pammoddir = $(PAM_MODULE_DIR)
pammod_LTLIBRARIES = pam_rbac/pam_rbac.la
pam_rbac_pam_rbac_la_SOURCES = pam_rbac/pam_rbac.c
pam_rbac_pam_rbac_la_LIBADD = common/librbacdir.la $(PAM_LIBS)
# Only pam_sm_* leave the module (pam_rbac.map); -no-undefined makes a
# missing library a link error rather than a dlopen() failure in sshd.
# -z nodelete: pam_end() dlclose()s the module, which would unload libldap
# and libsasl2 with their one-time global state (ldap_int_initialize,
# sasl_client_init) still allocated; a process that runs many PAM
# transactions would lose it again on every reload. Kept loaded, it is
# initialised once per process.
pam_rbac_pam_rbac_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared -no-undefined \
	-Wl,-z,nodelete -Wl,--version-script=$(srcdir)/pam_rbac/pam_rbac.map
EXTRA_pam_rbac_pam_rbac_la_DEPENDENCIES = pam_rbac/pam_rbac.map
EXTRA_DIST += pam_rbac/pam_rbac.map
# libpam dlopen()s pam_rbac.so by path; the .la is of no use to anyone.
# Automake installs pammod_LTLIBRARIES with the data (the directory name
# lacks "exec"), so the hook is install-data-hook; without the .la,
# libtool's uninstall no longer finds the module, hence the uninstall hook.
install-data-hook: pam-rbac-install-data-hook
uninstall-hook: pam-rbac-uninstall-hook
.PHONY: pam-rbac-install-data-hook pam-rbac-uninstall-hook
pam-rbac-install-data-hook:
	rm -f "$(DESTDIR)$(pammoddir)/pam_rbac.la"
pam-rbac-uninstall-hook:
	rm -f "$(DESTDIR)$(pammoddir)/pam_rbac.so"


# ---- tests: real libpam (pam_start_confdir) against a throwaway slapd
check_PROGRAMS += tests/integration/check_pam_acct
tests_integration_check_pam_acct_SOURCES = tests/integration/check_pam_acct.c
tests_integration_check_pam_acct_LDADD = $(PAM_LIBS)
# Many decisions at once, and a caller with more than FD_SETSIZE fds open.
check_PROGRAMS += tests/integration/pam-load
tests_integration_pam_load_SOURCES = tests/integration/pam-load.c
tests_integration_pam_load_LDADD = $(PAM_LIBS)

# A stand-in syslog daemon for the tests' private /dev/log.
check_PROGRAMS += tests/system/syslog-sink
tests_system_syslog_sink_SOURCES = tests/system/syslog-sink.c

PAM_INTEGRATION_TESTS = \
	tests/integration/pam-symbols.test \
	tests/integration/pam.test \
	tests/integration/pam-unavailable.test \
	tests/integration/pam-kept.test \
	tests/integration/pam-unconfigured.test \
	tests/integration/pam-readme.test \
	tests/integration/pam-valgrind.test \
	tests/integration/pam-offline.test \
	tests/integration/pam-local.test \
	tests/integration/pam-local-syncd.test \
	tests/integration/pam-load.test \
	tests/integration/pam-cve.test
# Real sshd and sudo; root only (they skip otherwise).
PAM_SYSTEM_TESTS = tests/system/sshd.test tests/system/sudo.test tests/system/local.test
TESTS += $(PAM_INTEGRATION_TESTS) $(PAM_SYSTEM_TESTS)
EXTRA_DIST += $(PAM_INTEGRATION_TESTS) $(PAM_SYSTEM_TESTS) \
	tests/integration/pam-harness.sh \
	tests/system/ns-harness.sh tests/system/system-harness.sh

# ---- shipped with the module
dist_man_MANS = man/pam_rbac.8 man/rbac.conf.5
dist_noinst_DATA += etc/pam.d/sshd etc/pam.d/sudo etc/pam.d/su etc/pam-configs/rbac

