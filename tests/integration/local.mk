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

# sync-proto.test: rbac_sync_proto.c on every message of a real slapd's
# refreshOnly sync search (RBAC_TEST_SYNCPROV), first and resumed.
check_PROGRAMS += tests/integration/sync-probe
tests_integration_sync_probe_SOURCES = tests/integration/sync-probe.c
tests_integration_sync_probe_LDADD = common/librbacdir.la
TESTS += tests/integration/sync-proto.test
EXTRA_DIST += tests/integration/sync-proto.test
# syncprov-cnconfig.test: etc/slapd/rbac-syncprov.ldif applied with
# ldapmodify -Y EXTERNAL to a slapd configured as Debian's package does.
TESTS += tests/integration/syncprov-cnconfig.test
EXTRA_DIST += tests/integration/syncprov-cnconfig.test
# acl.test, acl-config.test: etc/slapd/rbac-acl.conf and rbac-acl.ldif
# loaded as rbac-acl(7) says, README's delegation walk-through, and the
# policy table of acl-cases.sh as real binds and writes.
TESTS += tests/integration/acl.test tests/integration/acl-config.test
EXTRA_DIST += tests/integration/acl.test tests/integration/acl-config.test \
	tests/integration/acl-cases.sh

# syncd-*.test: the real rbac-syncd against a syncprov slapd, through glibc's
# NSS and the snapshot reader (snapshot-dump).
check_PROGRAMS += tests/integration/snapshot-dump
tests_integration_snapshot_dump_SOURCES = tests/integration/snapshot-dump.c
tests_integration_snapshot_dump_LDADD = common/librbaccore.la
EXTRA_DIST += tests/integration/syncd-harness.sh
SYNCD_TESTS = tests/integration/syncd-changes.test tests/integration/syncd-resume.test \
	tests/integration/syncd-refused.test tests/integration/syncd-lock.test \
	tests/integration/syncd-failover.test tests/integration/syncd-crash.test \
	tests/integration/syncd-never-partial.test tests/integration/syncd-nosyncprov.test \
	tests/integration/syncd-referral.test tests/integration/syncd-resume-nolog.test
TESTS += $(SYNCD_TESTS)
EXTRA_DIST += $(SYNCD_TESTS)
TESTS += tests/integration/schema.test tests/integration/directory.test
EXTRA_DIST += tests/integration/schema.test tests/integration/directory.test

# nscd.test: rbac_nscd_invalidate_group() against the real nscd, in a
# private mount namespace (root; Debian package nscd).
check_PROGRAMS += tests/integration/nscd-invalidate
tests_integration_nscd_invalidate_SOURCES = tests/integration/nscd-invalidate.c
tests_integration_nscd_invalidate_LDADD = common/librbaccore.la
TESTS += tests/system/nscd.test
EXTRA_DIST += tests/system/nscd.test

# fault.test: a misbehaving server (silent, stalled TLS, garbage, stalled
# search, closed mid-result) over plain, ldaps and StartTLS. GnuTLS is the
# TLS library Debian's libldap is built with (libldap-dev depends on it).
check_PROGRAMS += tests/integration/fault-server
tests_integration_fault_server_SOURCES = tests/integration/fault-server.c
tests_integration_fault_server_LDADD = -lgnutls
TESTS += tests/integration/fault.test
EXTRA_DIST += tests/integration/fault.test
# pam-threads.test: no thread per decision (strace counts clone/fork).
TESTS += tests/integration/pam-threads.test
EXTRA_DIST += tests/integration/pam-threads.test

# two slapd nodes in multi-provider replication, killed and stopped under
# PAM decisions and refreshes (root; about 35 s, and 20 s over ldaps)
REPLICATION_TESTS = tests/integration/replication.test tests/integration/replication-tls.test
TESTS += $(REPLICATION_TESTS)
EXTRA_DIST += $(REPLICATION_TESTS)
TESTS += tests/integration/referral.test
EXTRA_DIST += tests/integration/referral.test

# The NSS contract tests under ThreadSanitizer (not part of `make check`;
# configure's --enable-sanitizers is ASan+UBSan, which cannot be combined
# with TSan):   make check-nss-tsan [NSS_TSAN_LOAD_LOOKUPS=N]
# Builds libnss_rbac.so.2, check_nss and nss-load with -fsanitize=thread
# into tests/tsan/ and runs every case (16 threads while the snapshot is
# replaced, fork while threads are inside the module), then the load test
# through glibc: 64 threads x NSS_TSAN_LOAD_LOOKUPS calls (default 500; the
# full 100000 takes hours under TSan) while the snapshot is replaced 100
# times, and the 1,100-descriptor case. Needs root. Check's timeout is
# make check's (AM_TESTS_ENVIRONMENT): its default, 4 s, is shorter than
# test_window_ends_while_running, which waits out a 4 s window.
NSS_TSAN_LOAD_LOOKUPS = 500
NSS_TSAN_FLAGS = -g -O1 -fsanitize=thread -I. -I$(srcdir)/common -I$(srcdir)/tests/unit \
	$(DEFS) $(AM_CPPFLAGS) $(WARN_CFLAGS)
# The module as it is built (the reader alone, -z defs); the test programs
# with the writer too. FUZZ_READER and FUZZ_WRITER: tests/fuzz/local.mk.
NSS_TSAN_CORE = $(FUZZ_READER) $(FUZZ_WRITER)
.PHONY: check-nss-tsan
check-nss-tsan: config.h
	$(MKDIR_P) tests/tsan/nss_rbac/.libs
	$(CC) $(NSS_TSAN_FLAGS) -fPIC -shared \
		-Wl,--version-script=$(srcdir)/nss_rbac/nss_rbac.map -Wl,-z,defs \
		-o tests/tsan/nss_rbac/.libs/libnss_rbac.so.2 $(srcdir)/nss_rbac/nss_rbac.c \
		$(FUZZ_READER)
	$(CC) $(NSS_TSAN_FLAGS) $(CHECK_CFLAGS) -o tests/tsan/check_nss \
		$(srcdir)/tests/integration/check_nss.c $(srcdir)/tests/integration/big_snapshot.c \
		$(srcdir)/tests/unit/snapshot_fixture.c \
		$(srcdir)/tests/unit/fixture.c $(NSS_TSAN_CORE) $(CHECK_LIBS) -ldl -lpthread
	abs_top_builddir=$(abs_top_builddir)/tests/tsan TSAN_OPTIONS=halt_on_error=1 \
		CK_DEFAULT_TIMEOUT=30 tests/tsan/check_nss
	$(CC) $(NSS_TSAN_FLAGS) -o tests/tsan/nss-load $(srcdir)/tests/integration/nss-load.c \
		$(srcdir)/tests/integration/big_snapshot.c $(NSS_TSAN_CORE) -lpthread
	LD_LIBRARY_PATH=tests/tsan/nss_rbac/.libs TSAN_OPTIONS=halt_on_error=1 \
		tests/tsan/nss-load load 64 $(NSS_TSAN_LOAD_LOOKUPS) 100
	LD_LIBRARY_PATH=tests/tsan/nss_rbac/.libs TSAN_OPTIONS=halt_on_error=1 \
		tests/tsan/nss-load fds

clean-local: check-nss-tsan-clean
.PHONY: check-nss-tsan-clean
check-nss-tsan-clean:
	rm -rf tests/tsan
