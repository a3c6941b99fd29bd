/*
 * pambench.c - time pam_acct_mgmt() alone through the real libpam.
 *
 *   pambench [-m] [-n ITERATIONS] CONFDIR SERVICE USER
 *
 * Each iteration does what sshd does for one login: pam_start_confdir()
 * (CONFDIR/SERVICE is a service file written by bench/run, so the module
 * under test is named there and no file of the machine is read), then
 * pam_acct_mgmt(), then pam_end(). Only pam_acct_mgmt() is timed. One
 * line on stdout, microseconds:
 *   first=F median=M min=A max=B n=N rc=NAME
 * Exit 1 when a call does not return PAM_SUCCESS, 2 on usage, 3 when
 * libpam cannot be set up.
 *
 * -m: mark each timed call for strace(1) with access("pambench:begin")
 * before it and access("pambench:end") after it (both fail with ENOENT),
 * so that the system calls of each call can be counted apart
 * (bench/run's syscall table).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

static bool marks;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* The modules measured here must not need to ask anything. */
static int silent_conv(int n, const struct pam_message **msg, struct pam_response **resp,
		       void *data)
{
	(void)n;
	(void)msg;
	(void)data;
	*resp = NULL;
	return PAM_CONV_ERR;
}

/* One login's account phase; the time of pam_acct_mgmt() in *elapsed. */
static int one_call(const char *confdir, const char *service, const char *user, double *elapsed)
{
	struct pam_conv conv = {silent_conv, NULL};
	pam_handle_t *pamh = NULL;
	double start;
	int rc;

	if (pam_start_confdir(service, user, &conv, confdir, &pamh) != PAM_SUCCESS)
		return -1;
	if (marks)
		(void)access("pambench:begin", F_OK);
	start = now_us();
	rc = pam_acct_mgmt(pamh, PAM_SILENT);
	*elapsed = now_us() - start;
	if (marks)
		(void)access("pambench:end", F_OK);
	pam_end(pamh, rc);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int iterations = 200, opt, i, rc;
	double first, *t;

	while ((opt = getopt(argc, argv, "mn:")) != -1) {
		if (opt == 'm') {
			marks = true;
		} else if (opt != 'n' || (iterations = atoi(optarg)) < 1) {
			fputs("usage: pambench [-m] [-n ITERATIONS] CONFDIR SERVICE USER\n",
			      stderr);
			return 2;
		}
	}
	if (argc - optind != 3 || (t = calloc((size_t)iterations, sizeof(*t))) == NULL)
		return 2;
	rc = one_call(argv[optind], argv[optind + 1], argv[optind + 2], &first);
	for (i = 0; i < iterations && rc == PAM_SUCCESS; i++)
		rc = one_call(argv[optind], argv[optind + 1], argv[optind + 2], &t[i]);
	if (rc != PAM_SUCCESS) {
		printf("first=%.2f rc=%s error\n", first,
		       rc < 0 ? "pam_start" : pam_strerror(NULL, rc));
		return rc < 0 ? 3 : 1;
	}
	qsort(t, (size_t)iterations, sizeof(*t), cmp_double);
	printf("first=%.2f median=%.2f min=%.2f max=%.2f n=%d rc=PAM_SUCCESS\n", first,
	       t[iterations / 2], t[0], t[iterations - 1], iterations);
	free(t);
	return 0;
}
