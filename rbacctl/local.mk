# rbacctl/: included from the top-level Makefile.am (owned by the rbacctl work)

# The admin tool runs as root (refresh writes the snapshot), hence sbin.
sbin_PROGRAMS = rbacctl/rbacctl
rbacctl_rbacctl_SOURCES = rbacctl/rbacctl.c rbacctl/rbacctl.h \
	rbacctl/view.c rbacctl/output.c rbacctl/output.h \
	rbacctl/cmd_refresh.c rbacctl/cmd_check.c rbacctl/cmd_show.c rbacctl/cmd_lint.c \
	rbacctl/cmd_report.c rbacctl/cmd_verify.c rbacctl/cmd_status.c rbacctl/status.h rbacctl/status_print.c \
	rbacctl/import.c rbacctl/import.h rbacctl/cmd_import.c \
	rbacctl/write.c rbacctl/write.h rbacctl/cmd_grant.c \
	rbacctl/audit.c rbacctl/audit.h rbacctl/cmd_audit.c \
	rbacctl/cmd_graph.c
rbacctl_rbacctl_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS)
rbacctl_rbacctl_LDADD = common/librbacdir.la $(CSV_LIBS)
dist_man_MANS += man/rbacctl.8

# ---- tests: rbacctl's output forms (Check), golden output against a real
# ---- slapd, and rbacctl check against pam_rbac.so through real libpam.
check_PROGRAMS += tests/integration/check_rbacctl_output
tests_integration_check_rbacctl_output_SOURCES = tests/integration/check_rbacctl_output.c \
	rbacctl/output.c rbacctl/output.h tests/unit/fixture.c tests/unit/fixture.h
tests_integration_check_rbacctl_output_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rbacctl \
	-I$(top_srcdir)/tests/unit
tests_integration_check_rbacctl_output_CFLAGS = $(UNIT_CFLAGS)
tests_integration_check_rbacctl_output_LDADD = $(UNIT_LDADD)
TESTS += tests/integration/check_rbacctl_output

# rbacctl-status.test: snapshots with known sync fields, written through
# the writers' API by tests/integration/status-fixture.
check_PROGRAMS += tests/integration/status-fixture
tests_integration_status_fixture_SOURCES = tests/integration/status-fixture.c
tests_integration_status_fixture_LDADD = common/librbaccore.la

RBACCTL_INTEGRATION_TESTS = tests/integration/rbacctl.test \
	tests/integration/rbacctl-lint.test tests/integration/rbacctl-pam.test \
	tests/integration/rbacctl-output.test tests/integration/rbacctl-status.test \
	tests/integration/rbacctl-status-syncd.test tests/integration/rbacctl-local.test \
	tests/integration/rbacctl-local-bench.test tests/integration/rbacctl-import.test \
	tests/integration/rbacctl-write.test tests/integration/rbacctl-assign.test \
	tests/integration/audit.test tests/integration/audit-cnconfig.test \
	tests/integration/assign-windows.test
# rbacctl graph: DOT, rendered by Graphviz's dot (tests/deps.sh: graphviz).
RBACCTL_INTEGRATION_TESTS += tests/integration/rbacctl-graph.test
# rbacctl grant/revoke bound with SASL EXTERNAL over ldapi://.
RBACCTL_INTEGRATION_TESTS += tests/integration/rbacctl-write-external.test
# rbacctl audit: README's review recipe, as written.
RBACCTL_INTEGRATION_TESTS += tests/integration/audit-readme.test
# rbacctl audit on either node of a multi-provider pair.
RBACCTL_INTEGRATION_TESTS += tests/integration/audit-replication.test
TESTS += $(RBACCTL_INTEGRATION_TESTS)
EXTRA_DIST += $(RBACCTL_INTEGRATION_TESTS) tests/integration/rbacctl-golden.sh \
	tests/integration/fixtures/lint.ldif tests/integration/fixtures/graph.ldif \
	tests/integration/golden
# rbacctl-local.test: rbac_facts_local against the directory's answer for
# every account and permission of a directory (the example's, the bench's).
check_PROGRAMS += tests/integration/local-agree
tests_integration_local_agree_SOURCES = tests/integration/local-agree.c
tests_integration_local_agree_LDADD = common/librbacdir.la

# check_import: the CSV of rbacctl import (rbacctl/import.c), every error
# with its file:line:column, and the LDIF it writes.
check_PROGRAMS += tests/unit/check_import
tests_unit_check_import_SOURCES = tests/unit/check_import.c rbacctl/import.c rbacctl/import.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_import_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rbacctl -I$(top_srcdir)/tests/unit
tests_unit_check_import_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_import_LDADD = $(UNIT_LDADD) $(CSV_LIBS)
TESTS += tests/unit/check_import

# check_audit: accesslog records to rbacctl audit's events (rbacctl/audit.c).
check_PROGRAMS += tests/unit/check_audit
tests_unit_check_audit_SOURCES = tests/unit/check_audit.c rbacctl/audit.c rbacctl/audit.h \
	tests/unit/fixture.c tests/unit/fixture.h
tests_unit_check_audit_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rbacctl -I$(top_srcdir)/tests/unit
tests_unit_check_audit_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_audit_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_audit
