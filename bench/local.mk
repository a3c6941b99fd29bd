# bench/: the benchmark against nss_files, nslcd and SSSD (bench/run).
# The drivers are built by "make check" (not installed); bench/run builds
# them itself when they are missing, bench/syncd its syncwatch. Nothing
# here is a test: CI runs "bench/run --quick" as a smoke check that the
# driver works.

check_PROGRAMS += bench/nssbench bench/pambench bench/snapwrite bench/syncdmodel \
	bench/syncwatch
bench_nssbench_SOURCES = bench/nssbench.c
# The snapshot writer alone, on a synthetic model (not run by bench/run).
bench_snapwrite_SOURCES = bench/snapwrite.c
bench_snapwrite_LDADD = common/librbaccore.la
# rbac-syncd's model alone on gen-directory's LDIF (not run by bench/run).
bench_syncdmodel_SOURCES = bench/syncdmodel.c
bench_syncdmodel_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) -I$(top_srcdir)/syncd
bench_syncdmodel_LDADD = syncd/libsyncdmodel.la
bench_pambench_SOURCES = bench/pambench.c
bench_pambench_LDADD = $(PAM_LIBS)
# bench/syncd's publish watcher (the script builds its own copy).
bench_syncwatch_SOURCES = bench/syncwatch.c

EXTRA_DIST += bench/run bench/gen-directory bench/backend.sh bench/report.sh bench/import \
	bench/install-deps.sh bench/RESULTS.md bench/syncd bench/audit
