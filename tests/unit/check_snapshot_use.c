/*
 * check_snapshot_use.c - the snapshot reader after the parse (issue #10):
 * every offset, length and index a lookup reads is checked where it is
 * used, so an image whose bytes change after it was parsed (a file
 * rewritten in place under the processes that map it) is never followed
 * outside its bounds and a record that fails its check is never used;
 * the written-at date against a clock set back; the directory a snapshot
 * lives in.
 *
 * The image sits at the very end of a mapping followed by a PROT_NONE
 * page, so a read past it is a crash here even without AddressSanitizer.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "rbac_file.h"
#include "snapshot_fixture.h"

#define H_SECTIONS 128

static struct sfx f;
static struct rbac_snapshot snap;
static unsigned char *guarded; /* the image, ending where a PROT_NONE page begins */
static size_t guarded_len, region_len;
static void *region;

static void setup(void)
{
	sfx_example(&f);
}

static void teardown(void)
{
	if (region != NULL)
		munmap(region, region_len);
	region = NULL;
	sfx_free(&f);
}

/* Builds kind from f and parses it in place, at the end of the guarded
 * region. */
static void build_guarded(enum rbac_snapshot_kind kind)
{
	struct rbac_snapshot_image img;
	long page = sysconf(_SC_PAGESIZE);

	sfx_build(&f, kind, &img);
	region_len = ((img.len + (size_t)page - 1) / (size_t)page + 1) * (size_t)page;
	region =
	    mmap(NULL, region_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(region, MAP_FAILED);
	ck_assert_int_eq(
	    mprotect((char *)region + region_len - (size_t)page, (size_t)page, PROT_NONE), 0);
	guarded = (unsigned char *)region + region_len - (size_t)page - img.len;
	guarded_len = img.len;
	memcpy(guarded, img.data, img.len);
	rbac_snapshot_image_free(&img);
	ck_assert_int_eq(rbac_snapshot_parse(&snap, guarded, guarded_len, kind, SFX_NOW),
			 RBAC_SNAPSHOT_OK);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static unsigned char *section(int sec, uint32_t *count)
{
	*count = le32(guarded + H_SECTIONS + 8 * sec + 4);
	return guarded + le32(guarded + H_SECTIONS + 8 * sec);
}

/* Unpacks g into dst; 1 when the copy was refused. A copy that was not
 * hands out n_packed names, each starting and ending inside dst. */
static int unpack_checked(const struct rbac_snapshot_group *g, char *dst, char **mem)
{
	uintptr_t lo = (uintptr_t)dst, hi = lo + g->packed_size;

	if (!rbac_snapshot_group_unpack(&snap, g, dst, mem)) {
		ck_assert_ptr_null(mem[0]);
		return 1;
	}
	for (uint32_t k = 0; k < g->n_packed; k++) {
		ck_assert((uintptr_t)mem[k] >= lo && (uintptr_t)mem[k] < hi);
		ck_assert_ptr_nonnull(memchr(mem[k], '\0', hi - (uintptr_t)mem[k]));
	}
	ck_assert_ptr_null(mem[g->n_packed]);
	return 0;
}

/* Member j of g (j == n_members: one past the end); 1 when its record
 * was refused. The count of current members reads the window alone, so
 * it agrees with the whole record whenever that passes its check. */
static int member_checked(const struct rbac_snapshot_group *g, uint32_t j,
			  struct rbac_snapshot_user *u)
{
	int current = rbac_snapshot_member_current(&snap, g, j, SFX_NOW);

	if (rbac_snapshot_member_at(&snap, g, j, u)) {
		ck_assert_int_eq(current, rbac_snapshot_user_current(u, SFX_NOW));
		return 0;
	}
	if (j == g->n_members)
		ck_assert_int_eq(current, -1);
	return j < g->n_members;
}

/* Every lookup of the reader's API, over every name, gid, user and member
 * the example holds and a few it does not; returns how many records were
 * refused on the way (a name or gid the example holds and the lookup does
 * not find counts). Whatever the image holds, this must not read outside
 * it. */
static int every_lookup(void)
{
	/* the first N_HELD are groups of the example */
	static const char *const names[] = {
	    "rbac-admin", "rbac-user", "rbac-auditor", "rbac-global-platform-admin", "zzz", ""};
	enum { N_HELD = 4 };
	static const char *const users[] = {"alice", "heidi", "oscar", "victor", "nobody", ""};
	struct rbac_snapshot_group g, h;
	struct rbac_snapshot_user u;
	char dst[4096], *mem[64];
	int refused = 0;

	for (uint32_t i = 0; i < rbac_snapshot_group_count(&snap) + 2; i++) {
		if (!rbac_snapshot_group_at(&snap, i, &g)) {
			refused += i < rbac_snapshot_group_count(&snap);
			ck_assert_uint_eq(g.name_len, 0);
			ck_assert_uint_eq(g.n_members, 0);
			continue;
		}
		ck_assert_uint_lt(g.n_packed, 64);
		ck_assert_uint_le(g.packed_size, sizeof(dst));
		refused += unpack_checked(&g, dst, mem);
		for (uint32_t j = 0; j <= g.n_members; j++)
			refused += member_checked(&g, j, &u);
		refused += !rbac_snapshot_group_by_gid(&snap, g.gid, &h);
	}
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		refused += !rbac_snapshot_group_by_name(&snap, names[k], &g) && k < N_HELD;
	for (size_t k = 0; k < sizeof(users) / sizeof(users[0]); k++) {
		if (!rbac_snapshot_user_by_name(&snap, users[k], &u))
			continue;
		for (uint32_t j = 0; j <= u.n_groups; j++)
			refused +=
			    !rbac_snapshot_user_group_at(&snap, &u, j, &g) && j < u.n_groups;
	}
	return refused;
}

static const uint32_t hostile[] = {0xffffffffu, 0xfffff000u, 0x7fffffffu, 0x10000u};

/* Each u32 field of each record of section sec, set after the parse to
 * values far outside the image, one at a time: every lookup stays inside
 * the image, and the records so changed are refused. */
static void tamper_section(int sec, uint32_t recsize, uint32_t fields)
{
	uint32_t count;
	unsigned char *base = section(sec, &count);
	int refused = 0;

	ck_assert_uint_gt(count, 0);
	for (uint32_t i = 0; i < count; i++) {
		for (uint32_t fld = 0; fld < fields; fld++) {
			unsigned char *p = base + (size_t)i * recsize + 4 * fld;
			uint32_t saved = le32(p);

			for (size_t v = 0; v < sizeof(hostile) / sizeof(hostile[0]); v++) {
				put32(p, hostile[v]);
				refused += every_lookup();
			}
			put32(p, saved);
		}
	}
	/* Some change was refused, or the loop proved nothing. */
	ck_assert_int_gt(refused, 0);
	ck_assert_int_eq(every_lookup(), 0);
}

START_TEST(test_group_records_checked_at_use)
{
	build_guarded(RBAC_SNAPSHOT_GROUPS);
	tamper_section(1, 56, 10); /* every u32 field of the group records */
}
END_TEST

START_TEST(test_user_records_checked_at_use)
{
	build_guarded(RBAC_SNAPSHOT_GROUPS);
	tamper_section(5, 32, 2); /* name offset and length */
	tamper_section(5, 32, 8); /* and the rest, group slice included */
}
END_TEST

START_TEST(test_indexes_checked_at_use)
{
	build_guarded(RBAC_SNAPSHOT_GROUPS);
	tamper_section(2, 4, 1); /* name index */
	tamper_section(3, 4, 1); /* gid index */
	tamper_section(4, 4, 1); /* members */
	tamper_section(6, 4, 1); /* user groups */
	tamper_section(8, 4, 1); /* packed offsets */
}
END_TEST

/* A packed offset moved after the parse to the end of its group's block
 * or beyond: the copy of the group's names is refused whole. The last
 * byte of the block (an empty name before the final NUL) is still inside. */
START_TEST(test_packed_offset_checked_at_use)
{
	struct rbac_snapshot_group g;
	char dst[4096], *mem[64];
	uint32_t count, i = 0;
	unsigned char *offs;

	build_guarded(RBAC_SNAPSHOT_GROUPS);
	offs = section(8, &count);
	while (rbac_snapshot_group_at(&snap, i, &g) && g.n_packed < 2)
		i++;
	ck_assert_uint_ge(g.n_packed, 2);
	for (uint32_t k = 0; k < g.n_packed; k++) {
		unsigned char *p = offs + 4 * (size_t)(g.first_packed + k);
		uint32_t saved = le32(p);
		const uint32_t bad[] = {g.packed_size, g.packed_size + 1, 0x7fffffffu,
					0xffffffffu};

		for (size_t v = 0; v < sizeof(bad) / sizeof(bad[0]); v++) {
			put32(p, bad[v]);
			ck_assert_int_eq(unpack_checked(&g, dst, mem), 1);
		}
		put32(p, g.packed_size - 1);
		ck_assert_int_eq(unpack_checked(&g, dst, mem), 0);
		ck_assert_str_eq(mem[k], "");
		put32(p, saved);
	}
	ck_assert_int_eq(unpack_checked(&g, dst, mem), 0);
}
END_TEST

/* A record that fails its check is refused, whole: a name offset moved
 * out of range, a name whose NUL was overwritten, a member slice past
 * the members, a packed block past its section. */
START_TEST(test_bad_record_never_used)
{
	struct rbac_snapshot_group g;
	struct rbac_snapshot_user u;
	uint32_t count, strings, name_off;
	unsigned char *groups, *str;
	char name[64];

	build_guarded(RBAC_SNAPSHOT_GROUPS);
	groups = section(1, &count);
	str = section(0, &strings);
	ck_assert(rbac_snapshot_group_at(&snap, 0, &g));
	snprintf(name, sizeof(name), "%s", g.name);
	ck_assert(rbac_snapshot_group_by_name(&snap, name, &g));
	name_off = le32(groups);
	put32(groups, strings); /* name offset: the end of the strings */
	ck_assert(!rbac_snapshot_group_at(&snap, 0, &g));
	ck_assert_str_eq(g.name, "");
	ck_assert(!rbac_snapshot_group_by_name(&snap, name, &g));
	put32(groups, name_off);
	ck_assert(rbac_snapshot_group_by_name(&snap, name, &g));
	str[name_off + g.name_len] = 'X'; /* its NUL */
	ck_assert(!rbac_snapshot_group_at(&snap, 0, &g));
	ck_assert(!rbac_snapshot_group_by_name(&snap, name, &g));
	munmap(region, region_len);
	build_guarded(RBAC_SNAPSHOT_GROUPS);
	groups = section(1, &count);
	put32(groups + 16, 0x7fffffffu); /* member count */
	ck_assert(!rbac_snapshot_group_at(&snap, 0, &g));
	ck_assert_uint_eq(g.n_members, 0);
	ck_assert(!rbac_snapshot_member_at(&snap, &g, 0, &u));
	ck_assert_int_eq(rbac_snapshot_user_current(&u, SFX_NOW), 0);
	put32(groups + 16, 0);
	put32(groups + 28, 0x7fffffffu); /* packed size */
	ck_assert(!rbac_snapshot_group_at(&snap, 0, &g));
	ck_assert_uint_eq(g.packed_size, 0);
}
END_TEST

/* accounts.db: the same checks; a reference that fails its check is ""
 * (no role, no grant), an account record is refused whole. */
START_TEST(test_account_records_checked_at_use)
{
	struct rbac_snapshot_account a;
	uint32_t count, refs;
	unsigned char *accounts, *ref;

	build_guarded(RBAC_SNAPSHOT_ACCOUNTS);
	accounts = section(1, &count);
	ref = section(2, &refs);
	ck_assert(rbac_snapshot_account_by_uid(&snap, "alice", &a));
	ck_assert_uint_gt(a.n_roles, 0);
	put32(ref + 8 * (size_t)a.first_role, 0xfffff000u);
	ck_assert_str_eq(rbac_snapshot_account_role(&snap, &a, 0), "");
	for (uint32_t i = 0; i < count; i++) {
		for (uint32_t fld = 0; fld < 14; fld++) {
			unsigned char *p = accounts + (size_t)i * 56 + 4 * fld;
			uint32_t saved = le32(p);

			put32(p, 0xfffff000u);
			for (uint32_t k = 0; k < count; k++) {
				if (rbac_snapshot_account_at(&snap, k, &a)) {
					for (uint32_t j = 0; j < a.n_roles; j++)
						(void)rbac_snapshot_account_role(&snap, &a, j);
					for (uint32_t j = 0; j < a.n_perms; j++)
						(void)rbac_snapshot_account_perm(&snap, &a, j);
				}
			}
			(void)rbac_snapshot_account_by_uid(&snap, "victor", &a);
			put32(p, saved);
		}
	}
	put32(accounts + 0, 0xfffff000u); /* the first account's uid */
	ck_assert(!rbac_snapshot_account_at(&snap, 0, &a));
	ck_assert_str_eq(a.uid, "");
	ck_assert_uint_eq(a.n_roles + a.n_perms, 0);
}
END_TEST

/* ----------------------------------------------------- written at */

/* guards issue #10, finding 3: a date ahead of the clock by more than
 * RBAC_SNAPSHOT_MAX_SKEW is refused, at the parse and at every later
 * check of a file kept open; within it, usable; stale-after counts from
 * the written-at date as before. */
START_TEST(test_future_date_refused)
{
	struct rbac_snapshot_image img;
	struct rbac_snapshot s;

	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW - 301),
	    RBAC_SNAPSHOT_E_FUTURE);
	ck_assert_int_eq(rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS,
					     SFX_NOW - 86400 * 365),
			 RBAC_SNAPSHOT_E_FUTURE);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW - 300),
	    RBAC_SNAPSHOT_OK);
	ck_assert(rbac_snapshot_fresh(&s, SFX_NOW - 300));
	ck_assert(!rbac_snapshot_fresh(&s, SFX_NOW - 301)); /* the clock set back later */
	ck_assert(rbac_snapshot_fresh(&s, SFX_NOW + 259200));
	ck_assert(!rbac_snapshot_fresh(&s, SFX_NOW + 259201));
	ck_assert(!rbac_snapshot_fresh(&s, (time_t)INT64_MIN + 1));
	ck_assert(!rbac_snapshot_fresh(&s, (time_t)INT64_MAX));
	/* The writer reading the generation it replaces does not care. */
	ck_assert_int_eq(rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS,
					     RBAC_SNAPSHOT_ANY_TIME),
			 RBAC_SNAPSHOT_OK);
	ck_assert_ptr_nonnull(strstr(rbac_snapshot_strerror(RBAC_SNAPSHOT_E_FUTURE), "future"));
	rbac_snapshot_image_free(&img);
	sfx_build(&f, RBAC_SNAPSHOT_ACCOUNTS, &img);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_ACCOUNTS, SFX_NOW - 301),
	    RBAC_SNAPSHOT_E_FUTURE);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_ACCOUNTS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	rbac_snapshot_image_free(&img);
}
END_TEST

/* ------------------------------------------------------ directories */

static char top[64];

static void dir_setup(void)
{
	snprintf(top, sizeof(top), "/tmp/check_snapshot_use.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	ck_assert_int_eq(chmod(top, 0755), 0);
}

static void dir_teardown(void)
{
	chmod(top, 0755);
	fx_remove_tree(top);
}

/* 0 when dir is trusted, else -1 with the message in err. */
static int dir_check(const char *dir, char *err, size_t errlen)
{
	int fd = rbac_file_open_dir_trusted(dir, geteuid(), err, errlen);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* guards issue #10, finding 4: the directory itself writable by nobody
 * else, sticky or not; above it, writable by others only when sticky. */
START_TEST(test_directory_modes)
{
	static const mode_t refused[] = {0777, 0775, 0757, 0770, 01777, 01775};
	char sub[128], err[512];

	snprintf(sub, sizeof(sub), "%s/cache", top);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(dir_check(sub, err, sizeof(err)), 0);
	ck_assert_int_eq(dir_check("/", err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ck_assert_int_eq(chmod(sub, refused[i]), 0);
		ck_assert_int_eq(dir_check(sub, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, sub) != NULL &&
				  strstr(err, "writable by group or others") != NULL,
			      "%s", err);
	}
	ck_assert_int_eq(chmod(sub, 0700), 0);
	ck_assert_int_eq(dir_check(sub, err, sizeof(err)), 0);
	/* Above it: sticky is fine (/tmp), plain group/other write is not. */
	ck_assert_int_eq(chmod(top, 01777), 0);
	ck_assert_int_eq(dir_check(sub, err, sizeof(err)), 0);
	ck_assert_int_eq(chmod(top, 0777), 0);
	ck_assert_int_eq(dir_check(sub, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, top) != NULL && strstr(err, "/cache") == NULL, "%s", err);
	ck_assert_int_eq(chmod(top, 0755), 0);
}
END_TEST

/* Symbolic links in the path are resolved and what they lead to is
 * checked; the file itself must not be one; a missing directory says so. */
START_TEST(test_directory_links_and_errors)
{
	char sub[128], link[128], file[160], err[512];
	int fd;

	snprintf(sub, sizeof(sub), "%s/real", top);
	snprintf(link, sizeof(link), "%s/link", top);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	ck_assert_int_eq(chmod(sub, 0777), 0);
	ck_assert_int_eq(symlink("real", link), 0);
	ck_assert_int_eq(dir_check(link, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, sub) != NULL, "%s", err);
	ck_assert_int_eq(chmod(sub, 0755), 0);
	ck_assert_int_eq(dir_check(link, err, sizeof(err)), 0);
	snprintf(file, sizeof(file), "%s/groups.db", link);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = rbac_file_open_trusted_in_dir(file, geteuid(), RBAC_FILE_NO_WRITE_OTHERS, NULL,
					   err, sizeof(err));
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chmod(sub, 0775), 0);
	ck_assert_int_eq(rbac_file_open_trusted_in_dir(file, geteuid(),
						       RBAC_FILE_NO_WRITE_OTHERS, NULL, err,
						       sizeof(err)),
			 -1);
	snprintf(file, sizeof(file), "%s/missing/groups.db", top);
	ck_assert_int_eq(rbac_file_open_trusted_in_dir(file, geteuid(),
						       RBAC_FILE_NO_WRITE_OTHERS, NULL, err,
						       sizeof(err)),
			 -1);
	ck_assert_msg(strstr(err, "missing") != NULL, "%s", err);
}
END_TEST

/* Not owned by root or the expected owner (needs root to chown). */
START_TEST(test_directory_owner)
{
	char sub[128], err[512];

	snprintf(sub, sizeof(sub), "%s/cache", top);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(chown(sub, 1, 1), 0);
	ck_assert_int_eq(dir_check(sub, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "not owned by root (owner uid 1)") != NULL, "%s", err);
	ck_assert_int_eq(chown(sub, 0, 0), 0);
	ck_assert_int_eq(chown(top, 1, 1), 0);
	ck_assert_int_eq(dir_check(sub, err, sizeof(err)), -1);
	ck_assert_int_eq(chown(top, 0, 0), 0);
	ck_assert_int_eq(dir_check(sub, err, sizeof(err)), 0);
}
END_TEST

static Suite *use_suite(void)
{
	Suite *s = suite_create("snapshot_use");
	TCase *tc = tcase_create("checked at use");
	TCase *td = tcase_create("directories");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_group_records_checked_at_use);
	tcase_add_test(tc, test_user_records_checked_at_use);
	tcase_add_test(tc, test_indexes_checked_at_use);
	tcase_add_test(tc, test_packed_offset_checked_at_use);
	tcase_add_test(tc, test_bad_record_never_used);
	tcase_add_test(tc, test_account_records_checked_at_use);
	tcase_add_test(tc, test_future_date_refused);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(td, dir_setup, dir_teardown);
	tcase_add_test(td, test_directory_modes);
	tcase_add_test(td, test_directory_links_and_errors);
	fx_add_test_unless(td, test_directory_owner, fx_needs_root()); /* chown */
	suite_add_tcase(s, td);
	return s;
}

int main(void)
{
	return fx_run(use_suite());
}
