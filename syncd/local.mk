# syncd/: rbac-syncd, the RFC 4533 consumer (DESIGN.md section 10);
# included from the top-level Makefile.am.

# ---- the model (model.c: the directory in memory, keyed by entryUUID, and
# ---- the snapshot writer's input derived from it) and its state file
# ---- (state.c: syncd.state). A convenience library, so that the unit tests
# ---- and the fuzzer link what the daemon links.
noinst_LTLIBRARIES += syncd/libsyncdmodel.la
syncd_libsyncdmodel_la_SOURCES = \
	syncd/model.c syncd/model.h \
	syncd/state.c syncd/state.h
syncd_libsyncdmodel_la_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS)
syncd_libsyncdmodel_la_LIBADD = common/librbacdir.la

# ---- the daemon (agent.h: how its files divide the work). It runs as root
# ---- and writes the snapshot, hence sbin, like rbacctl.
sbin_PROGRAMS += syncd/rbac-syncd
syncd_rbac_syncd_SOURCES = syncd/syncd.c syncd/agent.h syncd/session.c syncd/publish.c \
	syncd/dn.c
syncd_rbac_syncd_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS)
syncd_rbac_syncd_LDADD = syncd/libsyncdmodel.la common/librbacdir.la

# ---- tests: dn.c's DN questions (the search base, the naming context)
check_PROGRAMS += tests/unit/check_syncd_dn
tests_unit_check_syncd_dn_SOURCES = tests/unit/check_syncd_dn.c syncd/dn.c syncd/agent.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_syncd_dn_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/syncd \
	-I$(top_srcdir)/tests/unit
tests_unit_check_syncd_dn_CFLAGS = $(UNIT_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_unit_check_syncd_dn_LDADD = $(UNIT_LDADD) $(LDAP_LIBS)
TESTS += tests/unit/check_syncd_dn
