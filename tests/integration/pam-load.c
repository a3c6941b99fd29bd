/*
 * pam-load.c - many account decisions through the real libpam, checked
 * one by one, for tests/integration/pam-load.test.
 *
 *   pam-load [-P PROCS] [-n DECISIONS] [-F FDS] [-i] CONFDIR SERVICE USER=RC...
 *
 * Every USER=RC names a user and the PAM result its decision must have
 * (PAM_SUCCESS, PAM_PERM_DENIED, PAM_USER_UNKNOWN, PAM_ACCT_EXPIRED, ...).
 *
 * Default: PROCS processes (default 32) share DECISIONS decisions (default
 * 1000); each process goes through the users in its own order, with a new
 * PAM handle per decision (pam_start_confdir, pam_acct_mgmt, pam_end), as
 * a daemon that checks logins does, so pam_rbac keeps one connection per
 * process from its second decision on. Each process counts its open
 * descriptors (/proc/self/fd) before its first decision, after its second
 * (once the kept connection and the syslog socket exist) and after its
 * last: the last two must be equal, and at most those two descriptors may
 * have been added since the first count.
 *
 * -F FDS: one process first raises RLIMIT_NOFILE and opens FDS descriptors,
 * so every descriptor libldap opens is above FD_SETSIZE (CVE-2013-0288's
 * class: an fd_set indexed past its end); it then checks that its kept
 * LDAP socket really is above FD_SETSIZE.
 *
 * -i: one process opens one PAM handle per user and calls pam_acct_mgmt()
 * on them in turn, DECISIONS times in all, over the one kept connection:
 * each answer must be its own user's (CVE-2007-5794's class).
 *
 * Output: one line per process "proc=K decisions=N wrong=W fds_warm=A
 * fds_end=B fds_before=C" (and "high_fd=F" with -F), then "total decisions=N wrong=W
 * failed_procs=P". A wrong answer is also written to stderr. Exit 0 when
 * every answer was right and no process grew its descriptors, 1 otherwise,
 * 2 on usage, 3 when libpam could not be set up.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <security/pam_appl.h>

#define MAX_USERS 64
#define MAX_PROCS 256

struct code_name {
	int code;
	const char *name;
};

static const struct code_name code_names[] = {
    {PAM_SUCCESS, "PAM_SUCCESS"},
    {PAM_PERM_DENIED, "PAM_PERM_DENIED"},
    {PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN"},
    {PAM_ACCT_EXPIRED, "PAM_ACCT_EXPIRED"},
    {PAM_AUTHINFO_UNAVAIL, "PAM_AUTHINFO_UNAVAIL"},
    {PAM_SERVICE_ERR, "PAM_SERVICE_ERR"},
    {PAM_IGNORE, "PAM_IGNORE"},
};

struct expect {
	const char *user;
	int rc;
};

struct load {
	const char *confdir, *service;
	struct expect users[MAX_USERS];
	int n_users;
	long procs, decisions, fds;
	bool interleave;
};

static const char *code_name(int rc)
{
	for (size_t i = 0; i < sizeof(code_names) / sizeof(code_names[0]); i++)
		if (code_names[i].code == rc)
			return code_names[i].name;
	return "(other)";
}

static int code_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(code_names) / sizeof(code_names[0]); i++)
		if (strcmp(code_names[i].name, name) == 0)
			return code_names[i].code;
	return -1;
}

/* Nobody answers prompts; messages are dropped (PAM_SILENT anyway). */
static int conversation(int n, const struct pam_message **msg, struct pam_response **resp,
			void *data)
{
	(void)data;
	*resp = NULL;
	for (int i = 0; i < n; i++)
		if (msg[i]->msg_style != PAM_ERROR_MSG && msg[i]->msg_style != PAM_TEXT_INFO)
			return PAM_CONV_ERR;
	return PAM_SUCCESS;
}

static struct pam_conv conv = {conversation, NULL};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

/* The highest descriptor that is a socket, or -1. */
static int highest_socket(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	struct stat st;
	int high = -1;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd != dirfd(d) && fstat(fd, &st) == 0 &&
		    S_ISSOCK(st.st_mode) && fd > high)
			high = fd;
	}
	closedir(d);
	return high;
}

static bool check_answer(const struct expect *x, int rc, long proc, long i)
{
	if (rc == x->rc)
		return true;
	fprintf(stderr, "proc %ld decision %ld: %s: expected %s, got %s (%d)\n", proc, i,
		x->user, code_name(x->rc), code_name(rc), rc);
	return false;
}

/* One decision on a new handle; -1 when libpam could not be set up. */
static int decide_once(const struct load *l, const char *user)
{
	pam_handle_t *pamh = NULL;
	int rc;

	if (pam_start_confdir(l->service, user, &conv, l->confdir, &pamh) != PAM_SUCCESS)
		return -1;
	rc = pam_acct_mgmt(pamh, PAM_SILENT);
	pam_end(pamh, rc);
	return rc;
}

/* What a process may hold after its decisions that it did not before: the
 * connection pam_rbac keeps, and the socket syslog(3) keeps to /dev/log. */
#define KEPT_FDS 2

struct tally {
	long decisions, wrong;
	int fds_before, fds_warm, fds_end;
};

/* Process `proc` of the load: decisions proc, proc + procs, ..., each for
 * a user picked by a per-process stride, so that neighbours in time are
 * different users and every process sees every user. */
static int run_share(const struct load *l, long proc, struct tally *t)
{
	long stride = 1 + proc % (l->n_users > 1 ? l->n_users - 1 : 1);
	long k = proc;

	t->fds_before = count_fds();
	for (long i = proc; i < l->decisions; i += l->procs, k += stride) {
		const struct expect *x = &l->users[k % l->n_users];
		int rc = decide_once(l, x->user);

		if (rc < 0)
			return 3;
		t->decisions++;
		if (!check_answer(x, rc, proc, i))
			t->wrong++;
		if (t->decisions == 2)
			t->fds_warm = count_fds();
	}
	t->fds_end = count_fds();
	return 0;
}

/* -i: one handle per user, called in turn on the one kept connection. */
static int run_interleaved(const struct load *l, struct tally *t)
{
	pam_handle_t *h[MAX_USERS] = {NULL};
	int rc = 0;

	t->fds_before = count_fds();
	for (int u = 0; u < l->n_users && rc == 0; u++)
		if (pam_start_confdir(l->service, l->users[u].user, &conv, l->confdir, &h[u]) !=
		    PAM_SUCCESS)
			rc = 3;
	for (long i = 0; i < l->decisions && rc == 0; i++) {
		const struct expect *x = &l->users[i % l->n_users];

		t->decisions++;
		if (!check_answer(x, pam_acct_mgmt(h[i % l->n_users], PAM_SILENT), 0, i))
			t->wrong++;
		if (t->decisions == 2)
			t->fds_warm = count_fds();
	}
	t->fds_end = count_fds();
	for (int u = 0; u < l->n_users; u++)
		if (h[u] != NULL)
			pam_end(h[u], PAM_SUCCESS);
	return rc;
}

/* -F: FDS descriptors open before the first decision. */
static int open_many(long n)
{
	struct rlimit rl = {(rlim_t)n + 256, (rlim_t)n + 256};

	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		perror("setrlimit(RLIMIT_NOFILE)");
		return -1;
	}
	for (long i = 0; i < n; i++)
		if (open("/dev/null", O_RDONLY | O_CLOEXEC) < 0) {
			perror("open /dev/null");
			return -1;
		}
	return 0;
}

static bool report(long proc, const struct tally *t, int high_fd)
{
	bool grew = t->fds_warm != t->fds_end || t->fds_end > t->fds_before + KEPT_FDS;
	bool ok = t->wrong == 0 && !grew;

	printf("proc=%ld decisions=%ld wrong=%ld fds_warm=%d fds_end=%d fds_before=%d", proc,
	       t->decisions, t->wrong, t->fds_warm, t->fds_end, t->fds_before);
	if (high_fd >= 0)
		printf(" high_fd=%d", high_fd);
	printf("\n");
	fflush(stdout);
	if (grew)
		fprintf(stderr,
			"proc %ld: %d descriptors before its first decision, %d after its "
			"second, %d after its last\n",
			proc, t->fds_before, t->fds_warm, t->fds_end);
	return ok;
}

/* The one process of -F or -i. */
static int run_single(const struct load *l)
{
	struct tally t = {0};
	int rc, high = -1;

	if (l->fds > 0 && open_many(l->fds) < 0)
		return 3;
	rc = l->interleave ? run_interleaved(l, &t) : run_share(l, 0, &t);
	if (rc != 0)
		return rc;
	if (l->fds > 0) {
		high = highest_socket();
		if (high < FD_SETSIZE) {
			fprintf(stderr, "no socket above FD_SETSIZE (%d): highest %d\n",
				FD_SETSIZE, high);
			t.wrong++;
		}
	}
	rc = report(0, &t, high) ? 0 : 1;
	printf("total decisions=%ld wrong=%ld failed_procs=%d\n", t.decisions, t.wrong, rc);
	return rc;
}

static int run_child(const struct load *l, long proc)
{
	struct tally t = {0};
	int rc = run_share(l, proc, &t);

	if (rc != 0)
		return rc;
	return report(proc, &t, -1) ? 0 : 1;
}

/* The children's decisions are counted from their output by the test;
 * here only their exit status. */
static int run_procs(const struct load *l)
{
	pid_t pids[MAX_PROCS];
	int failed = 0, status;

	fflush(stdout);
	for (long p = 0; p < l->procs; p++) {
		pids[p] = fork();
		if (pids[p] < 0) {
			perror("fork");
			return 3;
		}
		if (pids[p] == 0)
			_exit(run_child(l, p));
	}
	for (long p = 0; p < l->procs; p++)
		if (waitpid(pids[p], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed++;
	printf("total decisions=%ld failed_procs=%d\n", l->decisions, failed);
	return failed == 0 ? 0 : 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: pam-load [-P PROCS] [-n DECISIONS] [-F FDS] [-i] CONFDIR "
			"SERVICE USER=RC...\n");
	return 2;
}

static bool parse_number(const char *s, long min, long max, long *out)
{
	char *end;

	*out = strtol(s, &end, 10);
	return *end == '\0' && *out >= min && *out <= max;
}

static bool parse_expect(struct load *l, char *arg)
{
	char *eq = strchr(arg, '=');

	if (eq == NULL || l->n_users == MAX_USERS)
		return false;
	*eq = '\0';
	l->users[l->n_users].user = arg;
	l->users[l->n_users].rc = code_parse(eq + 1);
	return l->users[l->n_users++].rc >= 0;
}

int main(int argc, char **argv)
{
	struct load l = {.procs = 32, .decisions = 1000};
	int opt;

	while ((opt = getopt(argc, argv, "P:n:F:i")) != -1) {
		if ((opt == 'P' && !parse_number(optarg, 1, MAX_PROCS, &l.procs)) ||
		    (opt == 'n' && !parse_number(optarg, 1, 1000000, &l.decisions)) ||
		    (opt == 'F' && !parse_number(optarg, 1, 100000, &l.fds)) || opt == '?')
			return usage();
		if (opt == 'i')
			l.interleave = true;
	}
	if (argc - optind < 3)
		return usage();
	l.confdir = argv[optind];
	l.service = argv[optind + 1];
	for (int i = optind + 2; i < argc; i++)
		if (!parse_expect(&l, argv[i]))
			return usage();
	if (l.fds > 0 || l.interleave) {
		l.procs = 1;
		return run_single(&l);
	}
	return run_procs(&l);
}
