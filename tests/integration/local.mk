# tests/integration/: real slapd, real libpam, real NSS

# integration: a real slapd started by tests/integration/slapd-harness.sh
check_PROGRAMS += tests/integration/silent-server
tests_integration_silent_server_SOURCES = tests/integration/silent-server.c

check_PROGRAMS += tests/integration/check_directory
tests_integration_check_directory_SOURCES = tests/integration/check_directory.c \
	tests/unit/fixture.c tests/unit/fixture.h
tests_integration_check_directory_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_integration_check_directory_CFLAGS = $(UNIT_CFLAGS)
tests_integration_check_directory_LDADD = common/librbacdir.la $(CHECK_LIBS)

EXTRA_DIST += tests/integration/slapd-harness.sh
TESTS += tests/integration/schema.test tests/integration/directory.test
EXTRA_DIST += tests/integration/schema.test tests/integration/directory.test

# fault.test: a misbehaving server (silent, stalled TLS, garbage, stalled
# search, closed mid-result) over plain, ldaps and StartTLS. GnuTLS is the
# TLS library Debian's libldap is built with (libldap-dev depends on it).
check_PROGRAMS += tests/integration/fault-server
tests_integration_fault_server_SOURCES = tests/integration/fault-server.c
tests_integration_fault_server_LDADD = -lgnutls
TESTS += tests/integration/fault.test
EXTRA_DIST += tests/integration/fault.test

# two slapd nodes in multi-provider replication, killed and stopped under
# PAM decisions and refreshes (root; about 35 s, and 20 s over ldaps)
REPLICATION_TESTS = tests/integration/replication.test tests/integration/replication-tls.test
TESTS += $(REPLICATION_TESTS)
EXTRA_DIST += $(REPLICATION_TESTS)
TESTS += tests/integration/referral.test
EXTRA_DIST += tests/integration/referral.test
