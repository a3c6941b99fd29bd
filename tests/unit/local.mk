# tests/unit/: Check suites of the pure logic

UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_LDADD = common/librbaccore.la $(CHECK_LIBS)

check_PROGRAMS += tests/unit/check_model
tests_unit_check_model_SOURCES = tests/unit/check_model.c tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_model_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_model_LDADD = $(UNIT_LDADD)

check_PROGRAMS += tests/unit/check_names
tests_unit_check_names_SOURCES = tests/unit/check_names.c tests/unit/fixture.c \
	tests/unit/fixture.h
tests_unit_check_names_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_names_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_names

check_PROGRAMS += tests/unit/check_decision
tests_unit_check_decision_SOURCES = tests/unit/check_decision.c tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_decision_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_decision_LDADD = $(UNIT_LDADD)

check_PROGRAMS += tests/unit/check_time
tests_unit_check_time_SOURCES = tests/unit/check_time.c tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_time_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_time_LDADD = $(UNIT_LDADD)

check_PROGRAMS += tests/unit/check_log
tests_unit_check_log_SOURCES = tests/unit/check_log.c tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_log_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_log_LDADD = $(UNIT_LDADD)

check_PROGRAMS += tests/unit/check_config
tests_unit_check_config_SOURCES = tests/unit/check_config.c tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_config_CFLAGS = $(UNIT_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_unit_check_config_LDADD = common/librbacdir.la $(CHECK_LIBS)

check_PROGRAMS += tests/unit/check_escape
tests_unit_check_escape_SOURCES = tests/unit/check_escape.c tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_escape_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_escape_LDADD = common/librbacdir.la $(CHECK_LIBS)

check_PROGRAMS += tests/unit/check_deadline
tests_unit_check_deadline_SOURCES = tests/unit/check_deadline.c tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_deadline_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_deadline_LDADD = common/librbacdir.la $(CHECK_LIBS)
TESTS += tests/unit/check_deadline

# the name-service cache's invalidation against stand-in caches, nscd.conf
check_PROGRAMS += tests/unit/check_nscd
tests_unit_check_nscd_SOURCES = tests/unit/check_nscd.c tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_nscd_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_nscd_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_nscd

check_PROGRAMS += tests/unit/check_entry
tests_unit_check_entry_SOURCES = tests/unit/check_entry.c tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_entry_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_entry_LDADD = common/librbacdir.la $(CHECK_LIBS)
TESTS += tests/unit/check_entry

TESTS += \
	tests/unit/check_model tests/unit/check_decision tests/unit/check_time \
	tests/unit/check_log tests/unit/check_config tests/unit/check_escape

# The offline decision against the online one over random directories
# (RBAC_OFFLINE_CASES, RBAC_OFFLINE_SEED for longer local runs).
check_PROGRAMS += tests/unit/check_offline
tests_unit_check_offline_SOURCES = tests/unit/check_offline.c tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_offline_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_offline_LDADD = common/librbacdir.la $(CHECK_LIBS)
TESTS += tests/unit/check_offline

# The facts of a decision without a directory: the screen, the input of
# rbac_decide(), and when accounts.db stands in for the directory.
check_PROGRAMS += tests/unit/check_facts
tests_unit_check_facts_SOURCES = tests/unit/check_facts.c tests/unit/fixture.c tests/unit/fixture.h \
	tests/unit/snapshot_fixture.c tests/unit/snapshot_fixture.h
tests_unit_check_facts_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_facts_LDADD = common/librbacdir.la $(CHECK_LIBS)
TESTS += tests/unit/check_facts

# The snapshot: the reader's parse and lookups, the writer's image.
check_PROGRAMS += tests/unit/check_snapshot
tests_unit_check_snapshot_SOURCES = tests/unit/check_snapshot.c \
	tests/unit/snapshot_fixture.c tests/unit/snapshot_fixture.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_snapshot_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_snapshot_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_snapshot

# The reader after the parse: records rewritten under a lookup (issue #10).
check_PROGRAMS += tests/unit/check_snapshot_use
tests_unit_check_snapshot_use_SOURCES = tests/unit/check_snapshot_use.c \
	tests/unit/snapshot_fixture.c tests/unit/snapshot_fixture.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_snapshot_use_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_snapshot_use_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_snapshot_use

# Version 3: the sync state and proof block, version 2 beside it, publish
# and the writer lock (issue #12).
check_PROGRAMS += tests/unit/check_snapshot_v3
tests_unit_check_snapshot_v3_SOURCES = tests/unit/check_snapshot_v3.c \
	tests/unit/snapshot_fixture.c tests/unit/snapshot_fixture.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_snapshot_v3_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_snapshot_v3_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_snapshot_v3

# RFC 4533 values and OpenLDAP's sync cookie (rbac_sync_proto.c), against
# bytes built without lber.
check_PROGRAMS += tests/unit/check_sync_proto
tests_unit_check_sync_proto_SOURCES = tests/unit/check_sync_proto.c tests/unit/fixture.c \
	tests/unit/fixture.h
tests_unit_check_sync_proto_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_sync_proto_LDADD = common/librbacdir.la $(CHECK_LIBS)
TESTS += tests/unit/check_sync_proto

# rbac-syncd's model and its state file (syncd/).
SYNCD_UNIT_CFLAGS = $(UNIT_CFLAGS) $(LIBCONFIG_CFLAGS) -I$(top_srcdir)/syncd
SYNCD_UNIT_LDADD = syncd/libsyncdmodel.la $(CHECK_LIBS)
check_PROGRAMS += tests/unit/check_syncd_model
tests_unit_check_syncd_model_SOURCES = tests/unit/check_syncd_model.c \
	tests/unit/syncd_fixture.c tests/unit/syncd_fixture.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_syncd_model_CFLAGS = $(SYNCD_UNIT_CFLAGS)
tests_unit_check_syncd_model_LDADD = $(SYNCD_UNIT_LDADD)
TESTS += tests/unit/check_syncd_model
check_PROGRAMS += tests/unit/check_syncd_state
tests_unit_check_syncd_state_SOURCES = tests/unit/check_syncd_state.c \
	tests/unit/syncd_fixture.c tests/unit/syncd_fixture.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_syncd_state_CFLAGS = $(SYNCD_UNIT_CFLAGS)
tests_unit_check_syncd_state_LDADD = $(SYNCD_UNIT_LDADD)
TESTS += tests/unit/check_syncd_state
