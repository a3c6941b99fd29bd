# tests/integration/: real slapd, real libpam, real NSS

# integration: a real slapd started by tests/integration/slapd-harness.sh
check_PROGRAMS += tests/integration/silent-server
tests_integration_silent_server_SOURCES = tests/integration/silent-server.c

check_PROGRAMS += tests/integration/check_directory
tests_integration_check_directory_SOURCES = tests/integration/check_directory.c
tests_integration_check_directory_CFLAGS = $(UNIT_CFLAGS)
tests_integration_check_directory_LDADD = common/librbacdir.la $(CHECK_LIBS)

EXTRA_DIST += tests/integration/slapd-harness.sh
TESTS += tests/integration/schema.test tests/integration/directory.test
EXTRA_DIST += tests/integration/schema.test tests/integration/directory.test
