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
