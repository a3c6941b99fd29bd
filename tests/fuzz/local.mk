# tests/fuzz/: included from the top-level Makefile.am.
#
# libFuzzer targets for every parser that reads bytes from outside the
# program (not part of `make check`; needs clang and its fuzzer runtime,
# Debian: clang, libclang-rt-14-dev), built with ASan and UBSan:
#
#   fuzz_time       GeneralizedTime (rbacValidFrom/Until, pwdAccountLockedTime)
#   fuzz_config     rbac.conf through the real loader (libconfig)
#   fuzz_entry      directory entries (attribute values as a server could
#                   send them) to the model and a decision (rbac_entry.c)
#   fuzz_snapshot   groups.v3.db and accounts.v3.db as they are, checksums
#                   and all
#   fuzz_groups     groups.v3.db with every checksum made right (header,
#                   records, file: rbac_snapshot_seal), so mutations reach
#                   the O(1) open and then every lookup (by name, by gid,
#                   members, packed names, a user's groups), which must stay
#                   in bounds and refuse only what the full verification
#                   refuses
#   fuzz_accounts   accounts.v3.db, checksums made right: lookups and the
#                   offline decision (rbac_offline_lookup, _decide)
#   fuzz_sync_proto RFC 4533 controls and Sync Info messages as a server
#                   could send them, and OpenLDAP's sync cookie with its
#                   CSN vector (rbac_sync_proto.c)
#   fuzz_syncd_state rbac-syncd's syncd.state into its model, and the
#                   model's derive (syncd/state.c, syncd/model.c)
#   fuzz_import     rbacctl import's bulk CSV (rbacctl/import.c over
#                   libcsv): every message placed inside the input, a good
#                   file's rows sound and its LDIF well formed
#   fuzz_audit      accesslog records to rbacctl audit's events
#                   (rbacctl/audit.c): read or refused, every event whole,
#                   its cells made, the events in order; at most 6 s
#   fuzz_nss        libnss_rbac's _nss_rbac_* functions on groups.db, through
#                   the file as refresh installs it, small buffers and large
#                   (needs root, skipped otherwise)
#
#   make fuzz [FUZZ_TIME=seconds] [FUZZ_RUNS=n] [FUZZ_TARGETS="fuzz_time ..."]
#
# CI mode: each target in turn for FUZZ_TIME seconds (default 30, about
# 4.5 minutes for the nine). Local mode, 10^7 executions each (one core;
# fuzz_nss is the slow one, about 1,800 per second):
#
#   nice make fuzz FUZZ_RUNS=10000000
#
# The corpus of a target starts from the committed seeds
# (tests/fuzz/seeds/<name>/, and etc/rbac.conf.example) and from what
# snapshot_seeds writes with the real writer, and grows in
# tests/fuzz/corpus/<target>/ of the build tree, kept from run to run
# (make clean removes it). A crash, a sanitizer report or a broken
# invariant fails the target and leaves the input as
# tests/fuzz/<target>-crash-*; replay it with
#   tests/fuzz/<target> tests/fuzz/<target>-crash-...
#
# fuzz_config writes each input to a file (the loader reads files): in
# /dev/shm when it can, as a disk-backed TMPDIR makes it eight times slower
# (1,200 against 9,400 executions a second here).
#
# fuzz_config checks for leaks once, at the end of its run, instead of
# after each input (-detect_leaks=0): libconfig's own leak (lsan.supp)
# would make every check run and cost four fifths of the speed. A leak of
# ours still fails the run.
#
# A new target NAME: tests/fuzz/NAME.c and a rule for tests/fuzz/NAME like
# those below, NAME in FUZZ_TARGETS and in fuzz-clean, and a line in the
# case of the fuzz rule naming its seeds (tests/fuzz/seeds/<dir>/, each file
# listed in FUZZ_SEEDS and copied by the seed-corpus-stamp rule).
FUZZ_CC = clang
FUZZ_TIME = 30
FUZZ_RUNS =
FUZZ_TARGETS = fuzz_time fuzz_config fuzz_entry fuzz_snapshot fuzz_groups fuzz_accounts \
	fuzz_sync_proto fuzz_syncd_state fuzz_import fuzz_audit fuzz_nss
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
# configure's warnings are gcc's, and gcc's -Werror build judges the code;
# clang adds a few of its own, of which -Wstring-concatenation takes a long
# message split over two lines in an array of messages for a missing comma.
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -I. -I$(srcdir)/common \
	-I$(srcdir)/tests/fuzz $(DEFS) $(WARN_CFLAGS) -Wno-string-concatenation
# The snapshot reader alone, and the writer with the model (also used by
# check-nss-tsan in tests/integration/local.mk).
FUZZ_READER = $(srcdir)/common/rbac_snapshot.c $(srcdir)/common/rbac_file.c
FUZZ_WRITER = $(srcdir)/common/rbac_snapshot_write.c $(srcdir)/common/rbac_names.c \
	$(srcdir)/common/rbac_model.c \
	$(srcdir)/common/rbac_decision.c $(srcdir)/common/rbac_strlist.c \
	$(srcdir)/common/rbac_time.c $(srcdir)/common/rbac_log.c
FUZZ_OFFLINE = $(FUZZ_READER) $(srcdir)/common/rbac_offline.c $(srcdir)/common/rbac_model.c \
	$(srcdir)/common/rbac_decision.c $(srcdir)/common/rbac_strlist.c \
	$(srcdir)/common/rbac_time.c $(srcdir)/common/rbac_log.c
FUZZ_EXERCISE = $(srcdir)/tests/fuzz/snapshot_exercise.c
FUZZ_EXERCISE_H = $(srcdir)/tests/fuzz/snapshot_exercise.h
FUZZ_CONFIG = $(srcdir)/common/rbac_config.c $(srcdir)/common/rbac_names.c $(FUZZ_READER) \
	$(srcdir)/common/rbac_file_read.c \
	$(srcdir)/common/rbac_log.c $(srcdir)/common/rbac_strlist.c
FUZZ_ENTRY = $(srcdir)/common/rbac_entry.c $(srcdir)/common/rbac_model.c \
	$(srcdir)/common/rbac_decision.c $(srcdir)/common/rbac_strlist.c \
	$(srcdir)/common/rbac_time.c $(srcdir)/common/rbac_log.c
FUZZ_SEEDS = \
	tests/fuzz/seeds/entry/ambiguous tests/fuzz/seeds/entry/cycle \
	tests/fuzz/seeds/entry/gids tests/fuzz/seeds/entry/granted \
	tests/fuzz/seeds/entry/inherited tests/fuzz/seeds/entry/locked \
	tests/fuzz/seeds/entry/nul-bytes tests/fuzz/seeds/entry/suspended \
	tests/fuzz/seeds/entry/window \
	tests/fuzz/seeds/config/minimal.conf tests/fuzz/seeds/config/odd.conf \
	tests/fuzz/seeds/config/argument.conf \
	tests/fuzz/seeds/time/plain tests/fuzz/seeds/time/hour tests/fuzz/seeds/time/minute \
	tests/fuzz/seeds/time/fraction-hour tests/fuzz/seeds/time/fraction-minute \
	tests/fuzz/seeds/time/fraction-second tests/fuzz/seeds/time/comma \
	tests/fuzz/seeds/time/offset tests/fuzz/seeds/time/offset-hours \
	tests/fuzz/seeds/time/ad tests/fuzz/seeds/time/pre-epoch \
	tests/fuzz/seeds/time/ppolicy-lock \
	tests/fuzz/seeds/sync/state-add tests/fuzz/seeds/sync/state-present \
	tests/fuzz/seeds/sync/done-deletes tests/fuzz/seeds/sync/info-newcookie \
	tests/fuzz/seeds/sync/info-refresh-present tests/fuzz/seeds/sync/info-refresh-delete \
	tests/fuzz/seeds/sync/info-idset tests/fuzz/seeds/sync/cookie-two-sids \
	tests/fuzz/seeds/sync/cookie-pair \
	tests/fuzz/seeds/syncd-state/example tests/fuzz/seeds/syncd-state/renamed \
	tests/fuzz/seeds/import/readme.csv tests/fuzz/seeds/import/quoted.csv \
	tests/fuzz/seeds/import/uid.csv \
	tests/fuzz/seeds/audit/role-modify tests/fuzz/seeds/audit/account-modify \
	tests/fuzz/seeds/audit/assignment-add tests/fuzz/seeds/audit/role-delete \
	tests/fuzz/seeds/audit/master-list
EXTRA_DIST += tests/fuzz/fuzz_snapshot.c tests/fuzz/fuzz_groups.c tests/fuzz/fuzz_accounts.c \
	tests/fuzz/fuzz_config.c tests/fuzz/fuzz_time.c tests/fuzz/fuzz_nss.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/entry.dict \
	tests/fuzz/fuzz_sync_proto.c tests/fuzz/sync.dict tests/fuzz/fuzz_syncd_state.c \
	tests/fuzz/fuzz_import.c tests/fuzz/import.dict \
	tests/fuzz/fuzz_audit.c tests/fuzz/audit.dict \
	tests/fuzz/snapshot_seeds.c \
	tests/fuzz/config.dict tests/fuzz/time.dict tests/fuzz/lsan.supp tests/fuzz/snapshot_exercise.c \
	tests/fuzz/snapshot_exercise.h $(FUZZ_SEEDS)

FUZZ_LINK = $(AM_V_CCLD)$(MKDIR_P) tests/fuzz && \
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@

tests/fuzz/fuzz_time: $(srcdir)/tests/fuzz/fuzz_time.c $(srcdir)/common/rbac_time.c config.h
	$(FUZZ_LINK) $(srcdir)/tests/fuzz/fuzz_time.c $(srcdir)/common/rbac_time.c
tests/fuzz/fuzz_config: $(srcdir)/tests/fuzz/fuzz_config.c $(FUZZ_CONFIG) config.h
	$(FUZZ_LINK) $(LIBCONFIG_CFLAGS) $(srcdir)/tests/fuzz/fuzz_config.c $(FUZZ_CONFIG) \
		$(LIBCONFIG_LIBS) $(LDAP_LIBS)
tests/fuzz/fuzz_entry: $(srcdir)/tests/fuzz/fuzz_entry.c $(srcdir)/common/rbac_entry.h \
		$(FUZZ_ENTRY) config.h
	$(FUZZ_LINK) $(srcdir)/tests/fuzz/fuzz_entry.c $(FUZZ_ENTRY)
tests/fuzz/fuzz_sync_proto: $(srcdir)/tests/fuzz/fuzz_sync_proto.c \
		$(srcdir)/common/rbac_sync_proto.c $(srcdir)/common/rbac_sync_proto.h config.h
	$(FUZZ_LINK) $(srcdir)/tests/fuzz/fuzz_sync_proto.c $(srcdir)/common/rbac_sync_proto.c \
		$(LDAP_LIBS)
# The model and its state file, with what they call in common/.
FUZZ_SYNCD = $(srcdir)/syncd/state.c $(srcdir)/syncd/model.c $(srcdir)/common/rbac_entry.c \
	$(FUZZ_WRITER) $(FUZZ_READER) $(srcdir)/common/rbac_file_read.c \
	$(srcdir)/common/rbac_config.c
tests/fuzz/fuzz_syncd_state: $(srcdir)/tests/fuzz/fuzz_syncd_state.c $(FUZZ_SYNCD) \
		$(srcdir)/syncd/model.h $(srcdir)/syncd/state.h config.h
	$(FUZZ_LINK) -I$(srcdir)/syncd $(LIBCONFIG_CFLAGS) $(srcdir)/tests/fuzz/fuzz_syncd_state.c \
		$(FUZZ_SYNCD) $(LIBCONFIG_LIBS) $(LDAP_LIBS)
tests/fuzz/fuzz_snapshot: $(srcdir)/tests/fuzz/fuzz_snapshot.c $(FUZZ_EXERCISE) $(FUZZ_EXERCISE_H) \
		$(FUZZ_OFFLINE) config.h
	$(FUZZ_LINK) $(srcdir)/tests/fuzz/fuzz_snapshot.c $(FUZZ_EXERCISE) $(FUZZ_OFFLINE)
tests/fuzz/fuzz_groups: $(srcdir)/tests/fuzz/fuzz_groups.c $(FUZZ_EXERCISE) $(FUZZ_EXERCISE_H) \
		$(FUZZ_OFFLINE) config.h
	$(FUZZ_LINK) $(srcdir)/tests/fuzz/fuzz_groups.c $(FUZZ_EXERCISE) $(FUZZ_OFFLINE)
tests/fuzz/fuzz_accounts: $(srcdir)/tests/fuzz/fuzz_accounts.c $(FUZZ_EXERCISE) $(FUZZ_EXERCISE_H) \
		$(FUZZ_OFFLINE) config.h
	$(FUZZ_LINK) $(srcdir)/tests/fuzz/fuzz_accounts.c $(FUZZ_EXERCISE) $(FUZZ_OFFLINE)
tests/fuzz/fuzz_nss: $(srcdir)/tests/fuzz/fuzz_nss.c $(srcdir)/nss_rbac/nss_rbac.c \
		$(FUZZ_EXERCISE_H) $(FUZZ_READER) config.h
	$(FUZZ_LINK) $(AM_CPPFLAGS) $(srcdir)/tests/fuzz/fuzz_nss.c \
		$(srcdir)/nss_rbac/nss_rbac.c $(FUZZ_READER) -lpthread
tests/fuzz/fuzz_import: $(srcdir)/tests/fuzz/fuzz_import.c $(srcdir)/rbacctl/import.c \
		$(srcdir)/rbacctl/import.h $(srcdir)/common/rbac_names.c $(FUZZ_READER) config.h
	$(FUZZ_LINK) -I$(srcdir)/rbacctl $(srcdir)/tests/fuzz/fuzz_import.c \
		$(srcdir)/rbacctl/import.c $(srcdir)/common/rbac_names.c $(FUZZ_READER) $(CSV_LIBS)
tests/fuzz/fuzz_audit: $(srcdir)/tests/fuzz/fuzz_audit.c $(srcdir)/rbacctl/audit.c \
		$(srcdir)/rbacctl/audit.h $(srcdir)/common/rbac_strlist.c $(srcdir)/common/rbac_time.c \
		config.h
	$(FUZZ_LINK) -I$(srcdir)/rbacctl $(srcdir)/tests/fuzz/fuzz_audit.c \
		$(srcdir)/rbacctl/audit.c $(srcdir)/common/rbac_strlist.c $(srcdir)/common/rbac_time.c
tests/fuzz/snapshot_seeds: $(srcdir)/tests/fuzz/snapshot_seeds.c $(FUZZ_READER) \
		$(FUZZ_WRITER) config.h
	$(AM_V_CCLD)$(MKDIR_P) tests/fuzz && \
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(srcdir)/tests/fuzz/snapshot_seeds.c $(FUZZ_READER) \
		$(FUZZ_WRITER)

# The seeds of a target: the committed ones for the text parsers, the
# writer's output for the snapshot readers
# (tests/fuzz/seed-corpus/ of the build tree, never the source's seeds/).
tests/fuzz/seed-corpus-stamp: tests/fuzz/snapshot_seeds $(FUZZ_SEEDS) etc/rbac.conf.example
	rm -rf tests/fuzz/seed-corpus && $(MKDIR_P) tests/fuzz/seed-corpus/snapshot
	cp -R $(srcdir)/tests/fuzz/seeds/config $(srcdir)/tests/fuzz/seeds/time \
		$(srcdir)/tests/fuzz/seeds/entry $(srcdir)/tests/fuzz/seeds/sync \
		$(srcdir)/tests/fuzz/seeds/syncd-state $(srcdir)/tests/fuzz/seeds/import \
		$(srcdir)/tests/fuzz/seeds/audit tests/fuzz/seed-corpus/
	chmod -R u+w tests/fuzz/seed-corpus
	cp $(srcdir)/etc/rbac.conf.example tests/fuzz/seed-corpus/config/example.conf
	tests/fuzz/snapshot_seeds tests/fuzz/seed-corpus/snapshot
	touch $@

.PHONY: fuzz
fuzz: tests/fuzz/seed-corpus-stamp $(FUZZ_TARGETS:%=tests/fuzz/%)
	@fuzz_tmp=$${TMPDIR:-/tmp}; \
	if test -d /dev/shm && test -w /dev/shm; then fuzz_tmp=/dev/shm; fi; \
	for t in $(FUZZ_TARGETS); do \
	  tmax=$(FUZZ_TIME); \
	  case $$t in \
	    fuzz_time) seeds=time opts="-dict=$(srcdir)/tests/fuzz/time.dict -max_len=64" ;; \
	    fuzz_config) seeds=config opts="-dict=$(srcdir)/tests/fuzz/config.dict \
	      -max_len=4096 -detect_leaks=0" ;; \
	    fuzz_entry) seeds=entry opts="-dict=$(srcdir)/tests/fuzz/entry.dict -max_len=4096" ;; \
	    fuzz_sync_proto) seeds=sync opts="-dict=$(srcdir)/tests/fuzz/sync.dict -max_len=4096" ;; \
	    fuzz_syncd_state) seeds=syncd-state opts=-max_len=16384 ;; \
	    fuzz_import) seeds=import opts="-dict=$(srcdir)/tests/fuzz/import.dict -max_len=4096" ;; \
	    fuzz_audit) seeds=audit opts="-dict=$(srcdir)/tests/fuzz/audit.dict -max_len=4096"; \
	      test $$tmax -gt 6 && tmax=6 ;; \
	    *) seeds=snapshot opts=-max_len=16384 ;; \
	  esac; \
	  if test $$t = fuzz_nss && test "$$(id -u)" != 0; then \
	    echo "fuzz: $$t skipped (needs root)"; continue; fi; \
	  if test -n "$(FUZZ_RUNS)"; then limit=-runs=$(FUZZ_RUNS); \
	  else limit=-max_total_time=$$tmax; fi; \
	  $(MKDIR_P) tests/fuzz/corpus/$$t || exit 1; \
	  echo "fuzz: $$t $$limit"; \
	  LSAN_OPTIONS=suppressions=$(srcdir)/tests/fuzz/lsan.supp TMPDIR=$$fuzz_tmp \
	  tests/fuzz/$$t $$limit $$opts -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=tests/fuzz/$$t- \
	    tests/fuzz/corpus/$$t tests/fuzz/seed-corpus/$$seeds || exit 1; \
	done

clean-local: fuzz-clean
.PHONY: fuzz-clean
fuzz-clean:
	rm -rf tests/fuzz/seed-corpus tests/fuzz/seed-corpus-stamp tests/fuzz/corpus
	rm -f tests/fuzz/fuzz_time tests/fuzz/fuzz_config tests/fuzz/fuzz_entry tests/fuzz/fuzz_snapshot \
		tests/fuzz/fuzz_groups tests/fuzz/fuzz_accounts tests/fuzz/fuzz_nss \
		tests/fuzz/fuzz_sync_proto tests/fuzz/fuzz_syncd_state tests/fuzz/fuzz_import \
		tests/fuzz/fuzz_audit tests/fuzz/snapshot_seeds
