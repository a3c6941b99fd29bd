# nss_rbac/: included from the top-level Makefile.am (owned by the nss_rbac work)


# ---- unit tests of the snapshot
check_PROGRAMS += tests/unit/check_snapshot
tests_unit_check_snapshot_SOURCES = tests/unit/check_snapshot.c \
	tests/unit/snapshot_fixture.c tests/unit/snapshot_fixture.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_snapshot_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_snapshot_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_snapshot

# ---- unit tests of the reader after the parse (issue #10)
check_PROGRAMS += tests/unit/check_snapshot_use
tests_unit_check_snapshot_use_SOURCES = tests/unit/check_snapshot_use.c \
	tests/unit/snapshot_fixture.c tests/unit/snapshot_fixture.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_snapshot_use_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_snapshot_use_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_snapshot_use

# ---- libnss_rbac.so.2 (DESIGN §7)
#
# glibc dlopen()s "libnss_<service>.so.2" by that exact name, so the module
# is a libtool module with no version of its own and the shared-library
# extension ".so.2" (-avoid-version -shrext .so.2): the build gives exactly
# nss_rbac/.libs/libnss_rbac.so.2 with that soname, and `make install` puts
# it in $(libdir). On Debian configure with
#   --prefix=/usr --libdir=/usr/lib/$(gcc -print-multiarch)
# so it lands next to libnss_files.so.2; any directory the dynamic linker
# searches (see ld.so.conf, then run ldconfig) works too. The .la file is of
# no use to anyone and is not installed.
lib_LTLIBRARIES = nss_rbac/libnss_rbac.la
nss_rbac_libnss_rbac_la_SOURCES = nss_rbac/nss_rbac.c
# The snapshot reader and nothing else: no writer, model, log, libldap or
# libconfig rides into every process that looks a group up. -z defs: a
# symbol the reader does not define and libc does not either fails the link.
nss_rbac_libnss_rbac_la_LIBADD = common/librbacreader.la
nss_rbac_libnss_rbac_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shrext .so.2 \
	-shared -no-undefined -Wl,-z,defs -Wl,-z,relro -Wl,-z,now \
	-Wl,--version-script=$(srcdir)/nss_rbac/nss_rbac.map
EXTRA_nss_rbac_libnss_rbac_la_DEPENDENCIES = nss_rbac/nss_rbac.map
EXTRA_DIST += nss_rbac/nss_rbac.map

install-exec-hook: nss-rbac-install-exec-hook
uninstall-hook: nss-rbac-uninstall-hook
.PHONY: nss-rbac-install-exec-hook nss-rbac-uninstall-hook
nss-rbac-install-exec-hook:
	rm -f "$(DESTDIR)$(libdir)/libnss_rbac.la"
nss-rbac-uninstall-hook:
	rm -f "$(DESTDIR)$(libdir)/libnss_rbac.so.2"

# ---- integration: the module through its NSS contract (dlopen, root)
check_PROGRAMS += tests/integration/check_nss
tests_integration_check_nss_SOURCES = tests/integration/check_nss.c \
	tests/integration/big_snapshot.c tests/integration/big_snapshot.h \
	tests/unit/snapshot_fixture.c tests/unit/snapshot_fixture.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_integration_check_nss_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_integration_check_nss_CFLAGS = $(UNIT_CFLAGS) -pthread
tests_integration_check_nss_LDADD = common/librbaccore.la $(CHECK_LIBS) -ldl -lpthread
# It dlopen()s the module from the build tree.
EXTRA_tests_integration_check_nss_DEPENDENCIES = nss_rbac/libnss_rbac.la

# ---- integration: through glibc's own NSS dispatch
check_PROGRAMS += tests/integration/nss-query
tests_integration_nss_query_SOURCES = tests/integration/nss-query.c

TESTS += tests/integration/check_nss

# ---- load: 64 threads through glibc while the snapshot is replaced, and a
# caller with more than 1,024 descriptors (issue #10); see nss_load.test
check_PROGRAMS += tests/integration/nss-load
tests_integration_nss_load_SOURCES = tests/integration/nss-load.c \
	tests/integration/big_snapshot.c tests/integration/big_snapshot.h
tests_integration_nss_load_CFLAGS = $(AM_CFLAGS) -pthread
tests_integration_nss_load_LDADD = common/librbaccore.la -lpthread

NSS_INTEGRATION_TESTS = tests/integration/nss.test tests/integration/nss_large.test \
	tests/integration/refresh.test tests/integration/nss_symbols.test \
	tests/integration/nss_load.test
TESTS += $(NSS_INTEGRATION_TESTS)
EXTRA_DIST += $(NSS_INTEGRATION_TESTS) tests/integration/nss-harness.sh

# ---- the refresh timer (DESIGN §8): systemd units and a cron alternative.
# Installed to $(systemdsystemunitdir), by default $(prefix)/lib/systemd/system
# (Debian with --prefix=/usr: /usr/lib/systemd/system); override with
# `make install systemdsystemunitdir=DIR`. The cron file is an example only
# (etc/cron.d/rbac-refresh), not installed, so the two never both run.
systemdsystemunitdir = $(prefix)/lib/systemd/system
nodist_systemdsystemunit_DATA = etc/systemd/rbac-refresh.service
dist_systemdsystemunit_DATA = etc/systemd/rbac-refresh.timer
EXTRA_DIST += etc/systemd/rbac-refresh.service.in etc/cron.d/rbac-refresh
DISTCLEANFILES = etc/systemd/rbac-refresh.service

etc/systemd/rbac-refresh.service: $(srcdir)/etc/systemd/rbac-refresh.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@RBAC_CACHE_DIR[@]|$(RBAC_CACHE_DIR)|g' \
		$(srcdir)/etc/systemd/rbac-refresh.service.in >$@.tmp && mv $@.tmp $@

# ---- man page
notrans_dist_man8_MANS = man/nss_rbac.8

NSS_INTEGRATION_TESTS += tests/integration/refresh_units.test

# ---- system test: the host's own getent, id and sudo in a mount namespace
NSS_SYSTEM_TESTS = tests/system/nss_sudo.test
TESTS += $(NSS_SYSTEM_TESTS)
EXTRA_DIST += $(NSS_SYSTEM_TESTS)

# ---- the fuzz targets, the snapshot reader's among them, are in
# ---- tests/fuzz/local.mk (FUZZ_READER and FUZZ_WRITER too).
clean-local: nss-rbac-clean-tsan
.PHONY: nss-rbac-clean-tsan
nss-rbac-clean-tsan:
	rm -rf tests/tsan

# ---- the NSS contract tests under ThreadSanitizer (not part of `make check`;
# configure's --enable-sanitizers is ASan+UBSan, which cannot be combined
# with TSan):   make check-nss-tsan [NSS_TSAN_LOAD_LOOKUPS=N]
# Builds libnss_rbac.so.2, check_nss and nss-load with -fsanitize=thread
# into tests/tsan/ and runs every case (16 threads while the snapshot is
# replaced, fork while threads are inside the module), then the load test
# through glibc: 64 threads x NSS_TSAN_LOAD_LOOKUPS calls (default 500; the
# full 100000 takes hours under TSan) while the snapshot is replaced 100
# times, and the 1,100-descriptor case. Needs root.
NSS_TSAN_LOAD_LOOKUPS = 500
NSS_TSAN_FLAGS = -g -O1 -fsanitize=thread -I. -I$(srcdir)/common -I$(srcdir)/tests/unit \
	$(DEFS) $(AM_CPPFLAGS) $(WARN_CFLAGS)
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
		tests/tsan/check_nss
	$(CC) $(NSS_TSAN_FLAGS) -o tests/tsan/nss-load $(srcdir)/tests/integration/nss-load.c \
		$(srcdir)/tests/integration/big_snapshot.c $(NSS_TSAN_CORE) -lpthread
	LD_LIBRARY_PATH=tests/tsan/nss_rbac/.libs TSAN_OPTIONS=halt_on_error=1 \
		tests/tsan/nss-load load 64 $(NSS_TSAN_LOAD_LOOKUPS) 100
	LD_LIBRARY_PATH=tests/tsan/nss_rbac/.libs TSAN_OPTIONS=halt_on_error=1 \
		tests/tsan/nss-load fds
