# nss_rbac/: libnss_rbac.so.2, its man page and the tests of its NSS
# contract. Included from the top-level Makefile.am. Elsewhere: the unit
# tests of the snapshot reader (tests/unit/local.mk), its fuzz targets
# (tests/fuzz/local.mk), `make check-nss-tsan` (tests/integration/local.mk),
# the refresh timer's units (etc/local.mk).

# ---- libnss_rbac.so.2 (nss_rbac(8))
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

# ---- man page
notrans_dist_man8_MANS = man/nss_rbac.8

# ---- system test: the host's own getent, id and sudo in a mount namespace
NSS_SYSTEM_TESTS = tests/system/nss_sudo.test
TESTS += $(NSS_SYSTEM_TESTS)
EXTRA_DIST += $(NSS_SYSTEM_TESTS)
