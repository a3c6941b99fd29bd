/*
 * check_pam_acct.c - runs the real libpam account phase for one user and
 * prints what an application would see, for the pam*.test scripts.
 *
 *   check_pam_acct [-s] [-r RHOST] [-n] [-a ANSWER] [-z] [-b COMMAND] [-N COUNT]
 *                  CONFDIR SERVICE USER
 *
 * pam_start_confdir() reads CONFDIR/SERVICE, a service file the test
 * wrote, so the module under test is loaded from the build tree and no
 * file of the machine is involved. Output, one item per line:
 *
 *   error=TEXT    a PAM_ERROR_MSG the module sent through the conversation
 *   info=TEXT     a PAM_TEXT_INFO
 *   prompt=TEXT   a prompt (libpam asks for the user name when none is set)
 *   rc=NAME       the result of pam_acct_mgmt() (PAM_SUCCESS, PAM_PERM_DENIED...)
 *   elapsed=SECS  how long pam_acct_mgmt() took
 *
 * -s passes PAM_SILENT, -r sets PAM_RHOST, -n starts without a user
 * (PAM_USER unset), -a answers prompts with ANSWER (without -a a prompt
 * fails with PAM_CONV_ERR, as a conversation with nobody behind it), -z
 * "answers" prompts with PAM_SUCCESS and no response at all, -b runs COMMAND (sh -c)
 * after a first pam_acct_mgmt() and then calls it again on the same handle: a directory change
 * must take effect at the next call, in the same process, with nothing restarted. -N COUNT does
 * the whole pam_start_confdir()/pam_acct_mgmt()/pam_end() COUNT times in this process, as a
 * daemon that checks many logins does; with -b, COMMAND then runs once, before the last of
 * them. Exit status: 0 when the calls were made, 2 usage, 3 libpam setup failed.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

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
    {PAM_AUTH_ERR, "PAM_AUTH_ERR"},
    {PAM_NEW_AUTHTOK_REQD, "PAM_NEW_AUTHTOK_REQD"},
    {PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR"},
    {PAM_BUF_ERR, "PAM_BUF_ERR"},
    {PAM_CONV_ERR, "PAM_CONV_ERR"},
    {PAM_ABORT, "PAM_ABORT"},
    {PAM_MODULE_UNKNOWN, "PAM_MODULE_UNKNOWN"},
    {PAM_OPEN_ERR, "PAM_OPEN_ERR"},
    {PAM_SYMBOL_ERR, "PAM_SYMBOL_ERR"},
};

static void print_code(int rc)
{
	size_t i;

	for (i = 0; i < sizeof(code_names) / sizeof(code_names[0]); i++)
		if (code_names[i].code == rc) {
			printf("rc=%s\n", code_names[i].name);
			return;
		}
	printf("rc=%d\n", rc);
}

/* -z: a prompt gets PAM_SUCCESS without any response. */
static bool answer_nothing;

/* Records messages and prompts; a prompt is answered with `data` (-a),
 * or fails when there is none. */
static int conversation(int n, const struct pam_message **msg, struct pam_response **resp,
			void *data)
{
	const char *answer = data;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));
	int i;

	*resp = NULL;
	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n && r != NULL; i++) {
		switch (msg[i]->msg_style) {
		case PAM_ERROR_MSG:
			printf("error=%s\n", msg[i]->msg);
			break;
		case PAM_TEXT_INFO:
			printf("info=%s\n", msg[i]->msg);
			break;
		default:
			printf("prompt=%s\n", msg[i]->msg);
			if (answer_nothing) {
				free(r);
				r = NULL;
				break;
			}
			if (answer == NULL) {
				free(r);
				return PAM_CONV_ERR;
			}
			r[i].resp = strdup(answer);
		}
	}
	fflush(stdout);
	*resp = r;
	return PAM_SUCCESS;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void account_phase(pam_handle_t *pamh, int flags)
{
	double start = now();
	int rc = pam_acct_mgmt(pamh, flags);

	print_code(rc);
	printf("elapsed=%.3f\n", now() - start);
	fflush(stdout);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: check_pam_acct [-s] [-r RHOST] [-n] [-a ANSWER] [-z] [-b COMMAND] "
		"[-N COUNT] CONFDIR SERVICE USER\n");
	return 2;
}

struct run {
	const char *confdir, *service, *user, *rhost, *between, *answer;
	int flags;
	long count;
};

static void run_between(const char *command)
{
	fflush(stdout);
	if (system(command) != 0)
		fprintf(stderr, "check_pam_acct: command failed: %s\n", command);
}

/* One PAM handle: the account phase once, or with -b (and no -N) twice
 * around the command. Returns 0, or 3 when libpam could not be set up. */
static int one_handle(const struct run *r, bool between)
{
	struct pam_conv conv = {conversation, (void *)r->answer};
	pam_handle_t *pamh = NULL;
	int rc;

	rc = pam_start_confdir(r->service, r->user, &conv, r->confdir, &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pam_start_confdir: %s\n", pam_strerror(NULL, rc));
		return 3;
	}
	if (r->rhost != NULL && pam_set_item(pamh, PAM_RHOST, r->rhost) != PAM_SUCCESS) {
		fprintf(stderr, "pam_set_item(PAM_RHOST) failed\n");
		pam_end(pamh, PAM_SYSTEM_ERR);
		return 3;
	}
	account_phase(pamh, r->flags);
	if (between) {
		run_between(r->between);
		account_phase(pamh, r->flags);
	}
	pam_end(pamh, PAM_SUCCESS);
	return 0;
}

int main(int argc, char **argv)
{
	struct run r = {.count = 0};
	bool no_user = false;
	char *end;
	int opt, rc = 0;

	while ((opt = getopt(argc, argv, "sr:na:zb:N:")) != -1) {
		switch (opt) {
		case 's':
			r.flags |= PAM_SILENT;
			break;
		case 'r':
			r.rhost = optarg;
			break;
		case 'n':
			no_user = true;
			break;
		case 'a':
			r.answer = optarg;
			break;
		case 'z':
			answer_nothing = true;
			break;
		case 'b':
			r.between = optarg;
			break;
		case 'N':
			r.count = strtol(optarg, &end, 10);
			if (*end != '\0' || r.count < 1 || r.count > 1000)
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 3)
		return usage();
	r.confdir = argv[optind];
	r.service = argv[optind + 1];
	r.user = no_user ? NULL : argv[optind + 2];
	if (r.count == 0)
		return one_handle(&r, r.between != NULL);
	for (long i = 0; i < r.count && rc == 0; i++) {
		if (i == r.count - 1 && r.between != NULL)
			run_between(r.between);
		rc = one_handle(&r, false);
	}
	return rc;
}
