/*
 * nssbench.c - per-call latency of group lookups through glibc's NSS
 * dispatch, whatever nsswitch.conf names (bench/run runs it once per
 * backend, each in its own mount namespace).
 *
 *   nssbench [-n ITERATIONS] TEST [ARG]
 *
 * TEST is one of
 *   grnam NAME       getgrnam_r with an 8 MiB buffer
 *   grnam-grow NAME  getgrnam_r the way glibc's getgrnam() does it: a
 *                    1 KiB buffer, doubled after every ERANGE
 *   grgid GID        getgrgid_r with an 8 MiB buffer
 *   grouplist USER   getgrouplist (initgroups), primary gid 100
 *   enum             setgrent, getgrent_r to the end, endgrent
 *
 * The first call is timed alone (it loads nsswitch.conf and the module);
 * then ITERATIONS warm calls. One line on stdout, times in microseconds:
 *   first=F median=M min=A max=B n=N result=R
 * where R is the member count, group count or number of groups found, so
 * that a run that measured a failure shows it. Exit 1 when the lookup
 * fails, 2 on usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BIG_BUFFER (8 * 1024 * 1024) /* the 100k preset's big group needs ~2 MiB */
#define GROW_START 1024

typedef long (*bench_fn)(const char *arg);

static char big_buffer[BIG_BUFFER];

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static long member_count(const struct group *gr)
{
	long n = 0;

	while (gr->gr_mem[n] != NULL)
		n++;
	return n;
}

static long bench_grnam(const char *name)
{
	struct group gr, *res = NULL;

	if (getgrnam_r(name, &gr, big_buffer, sizeof(big_buffer), &res) != 0 || res == NULL)
		return -1;
	return member_count(res);
}

/* glibc's nss_getent pattern: start small, double on ERANGE. */
static long bench_grnam_grow(const char *name)
{
	struct group gr, *res = NULL;
	size_t size = GROW_START;
	char *buf = NULL;
	long n = -1;
	int rc;

	for (;;) {
		char *next = realloc(buf, size);
		if (next == NULL)
			break;
		buf = next;
		rc = getgrnam_r(name, &gr, buf, size, &res);
		if (rc != ERANGE)
			break;
		size *= 2;
	}
	if (res != NULL)
		n = member_count(res);
	free(buf);
	return n;
}

static long bench_grgid(const char *arg)
{
	struct group gr, *res = NULL;
	gid_t gid = (gid_t)strtoul(arg, NULL, 10);

	if (getgrgid_r(gid, &gr, big_buffer, sizeof(big_buffer), &res) != 0 || res == NULL)
		return -1;
	return member_count(res);
}

static long bench_grouplist(const char *user)
{
	gid_t groups[4096];
	int n = 4096;

	if (getgrouplist(user, 100, groups, &n) < 0)
		return -1;
	return n;
}

static long bench_enum(const char *unused)
{
	struct group gr, *res;
	long n = 0;

	(void)unused;
	setgrent();
	while (getgrent_r(&gr, big_buffer, sizeof(big_buffer), &res) == 0)
		n++;
	endgrent();
	return n;
}

struct bench_test {
	const char *name;
	bench_fn fn;
	int needs_arg;
};

static const struct bench_test tests[] = {
    {"grnam", bench_grnam, 1}, {"grnam-grow", bench_grnam_grow, 1},
    {"grgid", bench_grgid, 1}, {"grouplist", bench_grouplist, 1},
    {"enum", bench_enum, 0},
};

static const struct bench_test *find_test(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (strcmp(tests[i].name, name) == 0)
			return &tests[i];
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(double first, double *t, int n, long result)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("first=%.2f median=%.2f min=%.2f max=%.2f n=%d result=%ld\n", first,
	       n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2, t[0], t[n - 1], n, result);
}

static int run(const struct bench_test *test, const char *arg, int iterations)
{
	double *t = calloc((size_t)iterations, sizeof(*t));
	double start = now_us(), first;
	long result = test->fn(arg);
	int i;

	first = now_us() - start;
	if (t == NULL || result < 0) {
		printf("first=%.2f result=%ld error\n", first, result);
		free(t);
		return 1;
	}
	for (i = 0; i < iterations; i++) {
		start = now_us();
		result = test->fn(arg);
		t[i] = now_us() - start;
	}
	report(first, t, iterations, result);
	free(t);
	return 0;
}

static void usage(void)
{
	fputs("usage: nssbench [-n ITERATIONS] grnam|grnam-grow|grgid|grouplist|enum [ARG]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const struct bench_test *test;
	int iterations = 1000, opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n' || (iterations = atoi(optarg)) < 1)
			usage();
	}
	if (optind >= argc || (test = find_test(argv[optind])) == NULL)
		usage();
	if (test->needs_arg && optind + 1 >= argc)
		usage();
	return run(test, test->needs_arg ? argv[optind + 1] : "", iterations);
}
