/*
 * check_nscd.c - the invalidation request against stand-in caches on a
 * private socket (one that answers as glibc's nscd does, one that closes
 * as unscd does, one that refuses, one that never answers) and the
 * reading of nscd.conf. A real nscd is driven by tests/integration/nscd.test.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "rbac_nscd.h"

enum cache_kind { ANSWERS_ZERO, CLOSES, REFUSES, SILENT };

static char dir[64];
static char sock_path[128];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_nscd.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/socket", dir);
}

static void remove_dir(void)
{
	fx_remove_tree(dir);
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

/* The stand-in cache: a child that takes one connection, writes what it
 * read into DIR/request, and ends it as kind says. */
static pid_t start_cache(enum cache_kind kind)
{
	int lfd = listen_at(sock_path);
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unsigned char buf[256];
		char path[160];
		int fd = accept(lfd, NULL, NULL);
		ssize_t n = read(fd, buf, sizeof(buf));
		int32_t answer = kind == REFUSES ? EPERM : 0;
		FILE *f;

		snprintf(path, sizeof(path), "%s/request", dir);
		f = fopen(path, "w");
		if (f != NULL && n > 0)
			fwrite(buf, 1, (size_t)n, f);
		if (f != NULL)
			fclose(f);
		if (kind == ANSWERS_ZERO || kind == REFUSES)
			(void)!write(fd, &answer, sizeof(answer));
		if (kind == SILENT)
			pause();
		_exit(0);
	}
	close(lfd);
	return pid;
}

static void stop_cache(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* What the stand-in read: exactly nscd's request for the group table. */
static void assert_request_sent(void)
{
	const int32_t head[3] = {2, 10, 6};
	unsigned char want[18], got[64];
	char path[160];
	size_t n;
	FILE *f;

	memcpy(want, head, sizeof(head));
	memcpy(want + sizeof(head), "group", 6);
	snprintf(path, sizeof(path), "%s/request", dir);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(got, 1, sizeof(got), f);
	fclose(f);
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(got, want, sizeof(want));
}

START_TEST(test_no_socket_is_no_cache)
{
	char err[256] = "";

	make_dir();
	ck_assert_int_eq(rbac_nscd_invalidate_group(sock_path, 200, err, sizeof(err)),
			 RBAC_NSCD_NO_CACHE);
	ck_assert_str_eq(err, "");
	ck_assert(!rbac_nscd_running(sock_path));
	remove_dir();
}
END_TEST

/* A socket left behind by a cache that stopped: nobody listens. */
START_TEST(test_stale_socket_is_no_cache)
{
	char err[256] = "";
	int fd;

	make_dir();
	fd = listen_at(sock_path);
	close(fd);
	ck_assert_int_eq(rbac_nscd_invalidate_group(sock_path, 200, err, sizeof(err)),
			 RBAC_NSCD_NO_CACHE);
	ck_assert(!rbac_nscd_running(sock_path));
	remove_dir();
}
END_TEST

START_TEST(test_glibc_answer_zero)
{
	char err[256] = "";
	pid_t pid;

	make_dir();
	pid = start_cache(ANSWERS_ZERO);
	ck_assert_int_eq(rbac_nscd_invalidate_group(sock_path, 5000, err, sizeof(err)),
			 RBAC_NSCD_INVALIDATED);
	ck_assert_str_eq(err, "");
	stop_cache(pid);
	assert_request_sent();
	remove_dir();
}
END_TEST

START_TEST(test_unscd_closes)
{
	char err[256] = "";
	pid_t pid;

	make_dir();
	pid = start_cache(CLOSES);
	/* glibc nscd closes the same way on a caller that is not root */
	ck_assert_int_eq(rbac_nscd_invalidate_group(sock_path, 5000, err, sizeof(err)),
			 geteuid() == 0 ? RBAC_NSCD_INVALIDATED : RBAC_NSCD_FAILED);
	stop_cache(pid);
	assert_request_sent();
	remove_dir();
}
END_TEST

START_TEST(test_refused)
{
	char err[256] = "";
	pid_t pid;

	make_dir();
	pid = start_cache(REFUSES);
	ck_assert_int_eq(rbac_nscd_invalidate_group(sock_path, 5000, err, sizeof(err)),
			 RBAC_NSCD_FAILED);
	ck_assert_ptr_nonnull(strstr(err, "refused"));
	stop_cache(pid);
	remove_dir();
}
END_TEST

/* A wedged cache costs the deadline, not more (bound generous for a
 * loaded machine: 200 ms asked, 20 s allowed). */
START_TEST(test_silent_cache_times_out)
{
	char err[256] = "";
	time_t start;
	pid_t pid;

	make_dir();
	pid = start_cache(SILENT);
	start = time(NULL);
	ck_assert_int_eq(rbac_nscd_invalidate_group(sock_path, 200, err, sizeof(err)),
			 RBAC_NSCD_FAILED);
	ck_assert_int_lt(time(NULL) - start, 20);
	ck_assert_ptr_nonnull(strstr(err, "no answer"));
	stop_cache(pid);
	remove_dir();
}
END_TEST

START_TEST(test_running)
{
	int fd;

	make_dir();
	fd = listen_at(sock_path);
	ck_assert(rbac_nscd_running(sock_path));
	close(fd);
	remove_dir();
}
END_TEST

/* ------------------------------------------------------ nscd.conf */

static int read_conf(const char *text, struct rbac_nscd_group_cache *c)
{
	char path[160], err[256] = "";
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/nscd.conf", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	rc = rbac_nscd_group_ttl(path, c, err, sizeof(err));
	ck_assert_str_eq(err, "");
	return rc;
}

/* Debian's nscd.conf, in part: group cached an hour. */
START_TEST(test_conf_debian)
{
	struct rbac_nscd_group_cache c;

	make_dir();
	ck_assert_int_eq(read_conf("#\n# nscd.conf\n#\n\tdebug-level\t\t0\n"
				   "\tenable-cache\t\tpasswd\t\tyes\n"
				   "\tpositive-time-to-live\tpasswd\t\t600\n"
				   "\tenable-cache\t\tgroup\t\tyes\n"
				   "\tpositive-time-to-live\tgroup\t\t3600\n"
				   "\tnegative-time-to-live\tgroup\t\t60\n"
				   "\tcheck-files\t\tgroup\t\tyes\n",
				   &c),
			 1);
	ck_assert(c.enabled);
	ck_assert_int_eq(c.positive_ttl, 3600);
	ck_assert_int_eq(c.negative_ttl, 60);
	ck_assert_int_eq(rbac_nscd_group_hold(&c), 3600);
	remove_dir();
}
END_TEST

/* Other tables' values, comments and nscd's defaults. */
START_TEST(test_conf_other_tables_and_defaults)
{
	struct rbac_nscd_group_cache c;

	make_dir();
	ck_assert_int_eq(read_conf("enable-cache passwd yes\n"
				   "positive-time-to-live passwd 5\n"
				   "enable-cache group yes # on\n"
				   "# positive-time-to-live group 1\n",
				   &c),
			 1);
	ck_assert(c.enabled);
	ck_assert_int_eq(c.positive_ttl, 3600);
	ck_assert_int_eq(c.negative_ttl, 60);
	ck_assert_int_eq(read_conf("positive-time-to-live group 30\n"
				   "negative-time-to-live group 90\n"
				   "enable-cache group yes\n",
				   &c),
			 1);
	ck_assert_int_eq(rbac_nscd_group_hold(&c), 90);
	remove_dir();
}
END_TEST

/* Group caching off, or never turned on: nothing held. */
START_TEST(test_conf_disabled)
{
	struct rbac_nscd_group_cache c;
	char path[160];

	make_dir();
	ck_assert_int_eq(
	    read_conf("enable-cache group no\npositive-time-to-live group 600\n", &c), 1);
	ck_assert(!c.enabled);
	ck_assert_int_eq(rbac_nscd_group_hold(&c), 0);
	ck_assert_int_eq(read_conf("enable-cache passwd yes\n", &c), 1);
	ck_assert(!c.enabled);
	snprintf(path, sizeof(path), "%s/absent.conf", dir);
	ck_assert_int_eq(rbac_nscd_group_ttl(path, &c, NULL, 0), 0);
	ck_assert(!c.enabled);
	remove_dir();
}
END_TEST

/* A value nscd would not take leaves the default in place. */
START_TEST(test_conf_bad_values)
{
	struct rbac_nscd_group_cache c;

	make_dir();
	ck_assert_int_eq(read_conf("enable-cache group maybe\n"
				   "positive-time-to-live group -5\n"
				   "negative-time-to-live group 12x\n",
				   &c),
			 1);
	ck_assert(!c.enabled);
	ck_assert_int_eq(c.positive_ttl, 3600);
	ck_assert_int_eq(c.negative_ttl, 60);
	remove_dir();
}
END_TEST

START_TEST(test_conf_unreadable)
{
	struct rbac_nscd_group_cache c;
	char err[256] = "";

	make_dir();
	/* a directory: opens, then fails to read */
	ck_assert_int_eq(rbac_nscd_group_ttl(dir, &c, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, dir));
	remove_dir();
}
END_TEST

static Suite *nscd_suite(void)
{
	Suite *s = suite_create("nscd");
	TCase *tc = tcase_create("invalidate");
	TCase *conf = tcase_create("conf");

	tcase_add_test(tc, test_no_socket_is_no_cache);
	tcase_add_test(tc, test_stale_socket_is_no_cache);
	tcase_add_test(tc, test_glibc_answer_zero);
	tcase_add_test(tc, test_unscd_closes);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_silent_cache_times_out);
	tcase_add_test(tc, test_running);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	tcase_add_test(conf, test_conf_debian);
	tcase_add_test(conf, test_conf_other_tables_and_defaults);
	tcase_add_test(conf, test_conf_disabled);
	tcase_add_test(conf, test_conf_bad_values);
	tcase_add_test(conf, test_conf_unreadable);
	suite_add_tcase(s, conf);
	return s;
}

int main(void)
{
	return fx_run(nscd_suite());
}
