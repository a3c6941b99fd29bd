/*
 * check_snapshot_v3.c - snapshot version 3 (issue #12): the sync state in
 * the header and its proof block, the version 2 files written beside it
 * (read here with version 2's own constants), and rbac_publish() with the
 * writer lock both writers take.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "fixture.h"
#include "rbac_offline.h"
#include "rbac_publish.h"
#include "snapshot_fixture.h"

static struct sfx f;
static struct rbac_snapshot_image img;
static char dir[64];

static void setup(void)
{
	sfx_example(&f);
	memset(&img, 0, sizeof(img));
	snprintf(dir, sizeof(dir), "/tmp/check_snapshot_v3.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	fx_remove_tree(dir);
	rbac_snapshot_image_free(&img);
	sfx_free(&f);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* ------------------------------------------------------------ the header */

START_TEST(test_sync_state_round_trip)
{
	struct rbac_snapshot_sync sync = {
	    .source = RBAC_SNAPSHOT_SOURCE_SYNCD,
	    .synced_at = SFX_NOW - 3,
	    .probe_interval = 5,
	    .applied_csn = "20261231235955.000000Z#000000#001#000000",
	    .context_csn = "20261231235956.000000Z#000000#001#000000",
	    .server = "ldap://127.0.0.1:3890",
	};
	struct rbac_snapshot s;
	int64_t at;

	f.opts.sync = &sync;
	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	ck_assert_uint_eq(s.version, RBAC_SNAPSHOT_VERSION);
	ck_assert_uint_eq(s.source, RBAC_SNAPSHOT_SOURCE_SYNCD);
	ck_assert_uint_eq(s.probe_interval, 5);
	ck_assert_str_eq(s.applied_csn, sync.applied_csn);
	ck_assert_str_eq(s.context_csn, sync.context_csn);
	ck_assert_str_eq(s.server, sync.server);
	ck_assert_str_eq(s.namespace_name, "eng");
	ck_assert(rbac_snapshot_proof(&s, &at));
	ck_assert_int_eq(at, SFX_NOW - 3);
}
END_TEST

/* rbacctl refresh: source refresh, nothing proven, no CSN, no server. */
START_TEST(test_refresh_header)
{
	struct rbac_snapshot s;
	int64_t at = 0;

	sfx_build(&f, RBAC_SNAPSHOT_ACCOUNTS, &img);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_ACCOUNTS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	ck_assert_uint_eq(s.source, RBAC_SNAPSHOT_SOURCE_REFRESH);
	ck_assert_uint_eq(s.probe_interval, 0);
	ck_assert_ptr_null(s.applied_csn);
	ck_assert_ptr_null(s.context_csn);
	ck_assert_ptr_null(s.server);
	ck_assert(!rbac_snapshot_proof(&s, &at));
	ck_assert_int_eq(at, INT64_MIN);
}
END_TEST

/* The proof block is outside every checksum; only a pair whose second
 * word is the complement of the first proves anything. */
START_TEST(test_proof_block_torn)
{
	struct rbac_snapshot_sync sync = {.source = RBAC_SNAPSHOT_SOURCE_SYNCD,
					  .synced_at = SFX_NOW};
	struct rbac_snapshot s;
	int64_t at;

	f.opts.sync = &sync;
	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	ck_assert(rbac_snapshot_proof(&s, &at));
	/* A newer first word with the old complement: a torn write. */
	img.data[48] ^= 0x10;
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	ck_assert(!rbac_snapshot_proof(&s, &at));
	ck_assert_int_eq(at, INT64_MIN);
	img.data[48] ^= 0x10;
	img.data[63] ^= 0x01;
	ck_assert(!rbac_snapshot_proof(&s, &at));
	img.data[63] ^= 0x01;
	ck_assert(rbac_snapshot_proof(&s, &at));
	ck_assert_int_eq(at, SFX_NOW);
}
END_TEST

/* A changed header byte is a header checksum mismatch at open, even where
 * the whole-file checksum would be fixed up. */
START_TEST(test_header_checksum)
{
	struct rbac_snapshot s;
	uint64_t file_sum;

	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	img.data[100] ^= 0x01; /* probe interval */
	file_sum = rbac_snapshot_checksum(img.data, img.len);
	for (int i = 0; i < 8; i++)
		img.data[24 + i] = (unsigned char)(file_sum >> (8 * i));
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_E_CHECKSUM);
	rbac_snapshot_seal(img.data, img.len);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	ck_assert_uint_eq(s.probe_interval, 1);
}
END_TEST

/* ------------------------------------------------------ records at use */

#define H_SECTIONS 128

static uint32_t sec_off(int i)
{
	return le32(img.data + H_SECTIONS + 8 * i);
}

/* The image with one byte changed, opened by the reader alone. */
static void open_flipped(size_t at, enum rbac_snapshot_kind kind, struct rbac_snapshot *s)
{
	img.data[at] ^= 0x20;
	ck_assert_msg(rbac_snapshot_parse(s, img.data, img.len, kind, SFX_NOW) ==
			  RBAC_SNAPSHOT_OK,
		      "byte %zu: the open checks more than the header", at);
}

/* One byte changed in group 0 (rbac-admin: alice judy victor) or in what
 * it owns: the open does not look, every lookup that would use the
 * group refuses it, and the other groups are served. */
static void group_refused_at_use(size_t at)
{
	struct rbac_snapshot s;
	struct rbac_snapshot_group g;
	struct rbac_snapshot_user u;

	open_flipped(at, RBAC_SNAPSHOT_GROUPS, &s);
	ck_assert_msg(!rbac_snapshot_group_at(&s, 0, &g), "byte %zu: group 0 used", at);
	ck_assert_str_eq(g.name, "");
	ck_assert(!rbac_snapshot_group_by_name(&s, "rbac-admin", &g));
	ck_assert(rbac_snapshot_user_by_name(&s, "alice", &u));
	for (uint32_t k = 0; k < u.n_groups; k++) {
		bool ok = rbac_snapshot_user_group_at(&s, &u, k, &g);

		ck_assert(ok != (strcmp(g.name, "") == 0));
		ck_assert_str_ne(g.name, "rbac-admin");
	}
	ck_assert(rbac_snapshot_group_at(&s, 1, &g));
	ck_assert_int_ne(rbac_snapshot_verify_full(&s, NULL, 0), RBAC_SNAPSHOT_OK);
	img.data[at] ^= 0x20;
}

START_TEST(test_group_record_checked_at_use)
{
	uint32_t r, strings;

	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	r = sec_off(1);
	strings = sec_off(0);
	group_refused_at_use(r + 8);					/* its gid */
	group_refused_at_use(strings + le32(img.data + r) + 1);		/* its name */
	group_refused_at_use(sec_off(4) + 4 * le32(img.data + r + 12)); /* a member */
	group_refused_at_use(sec_off(7) + le32(img.data + r + 24) + 2); /* packed names */
	group_refused_at_use(sec_off(8) + 4 * le32(img.data + r + 32) + 4);
	group_refused_at_use(sec_off(9)); /* its stored checksum */
}
END_TEST

START_TEST(test_user_record_checked_at_use)
{
	struct rbac_snapshot s;
	struct rbac_snapshot_group g;
	struct rbac_snapshot_user u;
	uint32_t r;

	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	r = sec_off(5); /* user 0, alice, rbac-admin's member 0 */
	open_flipped(sec_off(6) + 4 * le32(img.data + r + 24), RBAC_SNAPSHOT_GROUPS, &s);
	ck_assert(!rbac_snapshot_user_by_name(&s, "alice", &u));
	ck_assert(rbac_snapshot_group_by_name(&s, "rbac-admin", &g));
	ck_assert(!rbac_snapshot_member_at(&s, &g, 0, &u));
	ck_assert_int_eq(rbac_snapshot_member_current(&s, &g, 0, SFX_NOW), -1);
	ck_assert(rbac_snapshot_member_at(&s, &g, 1, &u));
	ck_assert_str_eq(u.name, "judy");
}
END_TEST

static enum rbac_offline_result offline(const struct rbac_snapshot *s, const char *uid)
{
	const char *evaluated[] = {"host.login"};
	struct rbac_account account;
	struct rbac_namespace ns;
	enum rbac_offline_result r;

	rbac_account_init(&account);
	rbac_namespace_init(&ns);
	r = rbac_offline_lookup(s, evaluated, 1, uid, "host.login", &account, &ns);
	rbac_account_free(&account);
	rbac_namespace_free(&ns);
	return r;
}

/* An account, its uid, a held role's reference and its string. */
START_TEST(test_account_record_checked_at_use)
{
	struct rbac_snapshot s;
	struct rbac_snapshot_account a, b;
	uint32_t r, ref;
	size_t where[4];

	sfx_build(&f, RBAC_SNAPSHOT_ACCOUNTS, &img);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_ACCOUNTS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	ck_assert(rbac_snapshot_account_at(&s, 0, &a));
	ck_assert_uint_gt(a.n_roles, 0);
	ck_assert_int_eq(rbac_snapshot_account_find(&s, "", &b), RBAC_SNAPSHOT_ABSENT);
	ck_assert_int_eq(offline(&s, a.uid), RBAC_OFFLINE_ANSWERED);
	r = sec_off(1);
	ref = sec_off(2) + 8 * le32(img.data + r + 40);
	where[0] = r + 8; /* status */
	where[1] = sec_off(0) + le32(img.data + r);
	where[2] = ref + 4;
	where[3] = sec_off(0) + le32(img.data + ref) + 1;
	for (int k = 0; k < 4; k++) {
		open_flipped(where[k], RBAC_SNAPSHOT_ACCOUNTS, &s);
		ck_assert_msg(!rbac_snapshot_account_at(&s, 0, &b), "change %d: account used",
			      k);
		ck_assert_str_eq(b.uid, "");
		ck_assert(!rbac_snapshot_account_by_uid(&s, a.uid, &b));
		/* Damaged, not absent: for its own uid and for one the search
		 * for which passes it (pam.unknown_user = "ignore" must not
		 * let that pass) ... */
		ck_assert_int_eq(rbac_snapshot_account_find(&s, a.uid, &b),
				 RBAC_SNAPSHOT_DAMAGED);
		ck_assert_int_eq(rbac_snapshot_account_find(&s, "", &b), RBAC_SNAPSHOT_DAMAGED);
		ck_assert_int_eq(offline(&s, a.uid), RBAC_OFFLINE_DAMAGED);
		ck_assert(rbac_snapshot_account_at(&s, 1, &b));
		img.data[where[k]] ^= 0x20;
	}
}
END_TEST

/* A mapped file remembers the records whose checksum matched: a large
 * group is hashed once per mapping, not at every lookup. A bare parse
 * keeps no such marks. */
START_TEST(test_checked_records_remembered)
{
	struct rbac_snapshot_file sf;
	struct rbac_snapshot_group g;
	struct rbac_snapshot_user u;
	char err[512], p[256];
	uint32_t groups;

	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_msg(rbac_snapshot_write_file(dir, "groups.v3.db", 0644, img.data, img.len,
					       err, sizeof(err)) == 0,
		      "%s", err);
	snprintf(p, sizeof(p), "%s/groups.v3.db", dir);
	ck_assert_int_eq(
	    rbac_snapshot_open(&sf, p, RBAC_SNAPSHOT_GROUPS, geteuid(), SFX_NOW, NULL, 0),
	    RBAC_SNAPSHOT_OK);
	ck_assert_ptr_nonnull(sf.snap.seen);
	groups = rbac_snapshot_group_count(&sf.snap);
	ck_assert(rbac_snapshot_group_by_name(&sf.snap, "rbac-admin", &g));
	ck_assert_uint_eq(sf.snap.seen[g.index], 1);
	ck_assert_uint_eq(sf.snap.seen[g.index + 1], 0);
	ck_assert(rbac_snapshot_user_by_name(&sf.snap, "judy", &u));
	ck_assert_uint_eq(sf.snap.seen[groups + u.index], 1);
	ck_assert(rbac_snapshot_group_by_name(&sf.snap, "rbac-admin", &g));
	rbac_snapshot_close(&sf);
	ck_assert_ptr_null(sf.snap.seen);
}
END_TEST

/* The strings the header names are the header checksum's. */
START_TEST(test_header_strings_covered)
{
	struct rbac_snapshot s;

	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	img.data[sec_off(0) + le32(img.data + 88)] ^= 0x20; /* "eng" -> "Eng" */
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_E_CHECKSUM);
}
END_TEST

/* ------------------------------------------------------------- version 2 */

/* The version 2 format as its readers knew it (rbac_snapshot.h at version
 * 2): magic, version 2, a 168-byte header, the file size, and XXH3-64 of
 * bytes 40 to the end seeded with that of bytes 0-23; generation at 40,
 * section table at 72. Checked here with those numbers, not the reader's. */
static void assert_v2_bytes(const unsigned char *p, size_t len, const char *magic,
			    uint64_t generation)
{
	uint64_t seed = XXH3_64bits(p, 24);

	ck_assert_mem_eq(p, magic, 8);
	ck_assert_uint_eq(le32(p + 8), 2);
	ck_assert_uint_eq(le32(p + 12), 168);
	ck_assert_uint_eq(le64(p + 16), len);
	ck_assert_uint_eq(le64(p + 24), XXH3_64bits_withSeed(p + 40, len - 40, seed));
	ck_assert_uint_eq(le64(p + 32), 0);
	ck_assert_uint_eq(le64(p + 40), generation);
	ck_assert_uint_ge(le32(p + 72), 168); /* strings start after the header */
	for (int i = 9; i < 12; i++)
		ck_assert_uint_eq(le64(p + 72 + 8 * i), 0);
}

START_TEST(test_v2_image_beside)
{
	struct rbac_snapshot_image v2 = {0};
	struct rbac_snapshot s2, s3;
	struct rbac_snapshot_group g2, g3;
	struct rbac_snapshot_user u;

	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_int_eq(rbac_snapshot_image_v2(&img, RBAC_SNAPSHOT_GROUPS, &v2), 0);
	assert_v2_bytes(v2.data, v2.len, "RBACGRPS", 7);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s3, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	/* The current readers' parse refuses it; version 2's accepts it and
	 * finds the same groups with the same members. */
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s2, v2.data, v2.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_E_VERSION);
	ck_assert_int_eq(rbac_snapshot_parse_version(&s2, v2.data, v2.len, RBAC_SNAPSHOT_GROUPS,
						     RBAC_SNAPSHOT_V2_VERSION, SFX_NOW),
			 RBAC_SNAPSHOT_OK);
	ck_assert_int_eq(rbac_snapshot_verify(&s2), RBAC_SNAPSHOT_OK);
	ck_assert_uint_eq(s2.version, 2);
	ck_assert_str_eq(s2.namespace_name, "eng");
	ck_assert_uint_eq(rbac_snapshot_group_count(&s2), rbac_snapshot_group_count(&s3));
	ck_assert(rbac_snapshot_group_by_name(&s2, "rbac-admin", &g2));
	ck_assert(rbac_snapshot_group_by_name(&s3, "rbac-admin", &g3));
	ck_assert_uint_eq(g2.gid, g3.gid);
	ck_assert_uint_eq(g2.n_members, g3.n_members);
	ck_assert_uint_gt(g2.n_members, 0);
	ck_assert(rbac_snapshot_member_at(&s2, &g2, 0, &u));
	ck_assert_str_eq(u.name, "alice");
	ck_assert(rbac_snapshot_user_by_name(&s2, "alice", &u));
	ck_assert_uint_eq(u.n_groups, 3);
	rbac_snapshot_image_free(&v2);

	rbac_snapshot_image_free(&img);
	sfx_build(&f, RBAC_SNAPSHOT_ACCOUNTS, &img);
	ck_assert_int_eq(rbac_snapshot_image_v2(&img, RBAC_SNAPSHOT_ACCOUNTS, &v2), 0);
	assert_v2_bytes(v2.data, v2.len, "RBACACCT", 7);
	ck_assert_int_eq(rbac_snapshot_parse_version(&s2, v2.data, v2.len,
						     RBAC_SNAPSHOT_ACCOUNTS,
						     RBAC_SNAPSHOT_V2_VERSION, SFX_NOW),
			 RBAC_SNAPSHOT_OK);
	ck_assert_uint_eq(rbac_snapshot_account_count(&s2), f.n_accounts);
	rbac_snapshot_image_free(&v2);
}
END_TEST

/* The one entry of directory d ("" when none, "(several)" when more). */
static const char *only_entry(const char *d)
{
	static char name[256];
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(dp);
	name[0] = '\0';
	while ((e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(name, sizeof(name), "%s", ++n > 1 ? "(several)" : e->d_name);
	}
	closedir(dp);
	return name;
}

/* One call builds both images, byte for byte and log line for line as the
 * two separate builds (the accounts are sorted once for both). Two
 * accounts claim one uid, and an account is suspended: both logged. */
START_TEST(test_build_both_as_separate)
{
	struct rbac_snapshot_image g = {0}, a = {0}, g1 = {0}, a1 = {0};
	char separate[sizeof(fx_log)];

	sfx_account(&f, "alice", NULL, NULL, NULL, false);
	sfx_account(&f, "zed", "suspended", NULL, NULL, false);
	fx_log_clear();
	ck_assert_int_eq(rbac_snapshot_build_groups(&f.model, &f.opts, &fx_logger, &g1), 0);
	ck_assert_int_eq(rbac_snapshot_build_accounts(&f.model, &f.opts, &fx_logger, &a1), 0);
	snprintf(separate, sizeof(separate), "%s", fx_log);
	ck_assert_ptr_nonnull(strstr(separate, "\"alice\" is claimed by"));
	fx_log_clear();
	ck_assert_int_eq(rbac_snapshot_build(&f.model, &f.opts, &fx_logger, &g, &a), 0);
	ck_assert_str_eq(fx_log, separate);
	ck_assert_uint_eq(g.len, g1.len);
	ck_assert_uint_eq(a.len, a1.len);
	ck_assert_mem_eq(g.data, g1.data, g.len);
	ck_assert_mem_eq(a.data, a1.data, a.len);
	ck_assert_uint_eq(g.groups, g1.groups);
	ck_assert_uint_eq(g.memberships, g1.memberships);
	ck_assert_uint_eq(a.users, a1.users);
	rbac_snapshot_image_free(&g);
	rbac_snapshot_image_free(&a);
	rbac_snapshot_image_free(&g1);
	rbac_snapshot_image_free(&a1);
}
END_TEST

/* The version 2 image is checked against the version 3 image it came
 * from: the same content passes; a byte changed in a section (the file
 * checksum made to match again) or in the header, or the v2 of another
 * snapshot, does not. */
START_TEST(test_v2_check_against_v3)
{
	struct rbac_snapshot_image v2 = {0}, other = {0}, other2 = {0};
	struct rbac_snapshot s;
	unsigned char *p;

	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_int_eq(rbac_snapshot_image_v2(&img, RBAC_SNAPSHOT_GROUPS, &v2), 0);
	ck_assert_int_eq(rbac_snapshot_image_v2_check(&img, &v2, RBAC_SNAPSHOT_GROUPS), 0);
	ck_assert_int_eq(rbac_snapshot_image_v2_check(&img, &v2, RBAC_SNAPSHOT_ACCOUNTS), -1);

	/* the last byte of the packed member names, re-sealed */
	ck_assert_int_eq(rbac_snapshot_parse_version(&s, v2.data, v2.len, RBAC_SNAPSHOT_GROUPS,
						     RBAC_SNAPSHOT_V2_VERSION, SFX_NOW),
			 RBAC_SNAPSHOT_OK);
	p = v2.data + s.sec[1].offset + 8; /* the first group's gid */
	p[0] ^= 1;
	rbac_snapshot_seal(v2.data, v2.len);
	ck_assert_int_eq(rbac_snapshot_image_v2_check(&img, &v2, RBAC_SNAPSHOT_GROUPS), -1);
	p[0] ^= 1;
	rbac_snapshot_seal(v2.data, v2.len);
	ck_assert_int_eq(rbac_snapshot_image_v2_check(&img, &v2, RBAC_SNAPSHOT_GROUPS), 0);
	v2.data[40] ^= 1; /* the generation, unsealed */
	ck_assert_int_eq(rbac_snapshot_image_v2_check(&img, &v2, RBAC_SNAPSHOT_GROUPS), -1);
	v2.data[40] ^= 1;

	f.opts.generation++;
	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &other);
	ck_assert_int_eq(rbac_snapshot_image_v2(&other, RBAC_SNAPSHOT_GROUPS, &other2), 0);
	ck_assert_int_eq(rbac_snapshot_image_v2_check(&img, &other2, RBAC_SNAPSHOT_GROUPS), -1);
	ck_assert_int_eq(rbac_snapshot_image_v2_check(&other, &other2, RBAC_SNAPSHOT_GROUPS),
			 0);
	rbac_snapshot_image_free(&v2);
	rbac_snapshot_image_free(&other);
	rbac_snapshot_image_free(&other2);
}
END_TEST

/* An image that fails the complete check is never written: no file, no
 * temporary left, the installed one untouched. */
START_TEST(test_write_verified_refuses_bad_image)
{
	struct rbac_snapshot s;
	struct stat st;
	char err[512], path[128];

	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_msg(rbac_snapshot_write_verified(dir, "groups.v3.db", 0644, img.data, img.len,
						   RBAC_SNAPSHOT_GROUPS, err, sizeof(err)) == 0,
		      "%s", err);
	snprintf(path, sizeof(path), "%s/groups.v3.db", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)img.len);
	/* one member's name changed, the whole file re-sealed: only a record
	 * checksum or a cross-check can find it */
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	img.data[s.sec[7].offset] ^= 0x20;
	{
		uint64_t sum = rbac_snapshot_checksum(img.data, img.len);

		for (int i = 0; i < 8; i++)
			img.data[24 + i] = (unsigned char)(sum >> (8 * i));
	}
	ck_assert_int_eq(rbac_snapshot_write_verified(dir, "groups.v3.db", 0644, img.data,
						      img.len, RBAC_SNAPSHOT_GROUPS, err,
						      sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "fails its check"));
	ck_assert_ptr_nonnull(strstr(err, "not installed"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)img.len);
	ck_assert_str_eq(only_entry(dir), "groups.v3.db");
}
END_TEST

static bool exists(const char *name);

/* A file begun is nowhere under its name until committed; aborted, it
 * leaves nothing behind; two begun at once are committed in order. */
START_TEST(test_write_begin_commit_abort)
{
	struct rbac_snapshot_pending a, b;
	struct rbac_snapshot_image acc = {0};
	char err[512];

	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	sfx_build(&f, RBAC_SNAPSHOT_ACCOUNTS, &acc);
	ck_assert_msg(rbac_snapshot_write_begin(dir, "groups.v3.db", 0644, img.data, img.len,
						RBAC_SNAPSHOT_WRITE_VERIFIED,
						RBAC_SNAPSHOT_GROUPS, &a, err,
						sizeof(err)) == 0,
		      "%s", err);
	ck_assert_str_eq(only_entry(dir), a.tmp + strlen(dir) + 1);
	rbac_snapshot_write_abort(&a);
	ck_assert_str_eq(only_entry(dir), "");

	ck_assert_msg(rbac_snapshot_write_begin(dir, "accounts.v3.db", 0600, acc.data, acc.len,
						RBAC_SNAPSHOT_WRITE_VERIFIED,
						RBAC_SNAPSHOT_ACCOUNTS, &a, err,
						sizeof(err)) == 0,
		      "%s", err);
	ck_assert_msg(rbac_snapshot_write_begin(dir, "groups.v3.db", 0644, img.data, img.len,
						RBAC_SNAPSHOT_WRITE_COMPARED, -1, &b, err,
						sizeof(err)) == 0,
		      "%s", err);
	ck_assert(!exists("accounts.v3.db"));
	ck_assert_int_eq(rbac_snapshot_write_commit(&a, err, sizeof(err)), 0);
	ck_assert(exists("accounts.v3.db"));
	ck_assert(!exists("groups.v3.db"));
	ck_assert_int_eq(rbac_snapshot_write_commit(&b, err, sizeof(err)), 0);
	ck_assert(exists("groups.v3.db"));
	/* the wrong kind: refused before anything is written */
	ck_assert_int_eq(rbac_snapshot_write_begin(
			     dir, "x.db", 0644, img.data, img.len, RBAC_SNAPSHOT_WRITE_VERIFIED,
			     RBAC_SNAPSHOT_ACCOUNTS, &a, err, sizeof(err)),
			 -1);
	ck_assert(!exists("x.db"));
	rbac_snapshot_image_free(&acc);
}
END_TEST

/* --------------------------------------------------------------- publish */

static bool exists(const char *name)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

static uint64_t generation_of(const char *name, enum rbac_snapshot_kind kind, uint32_t version)
{
	struct rbac_snapshot_file sf;
	char p[256];
	uint64_t gen;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_int_eq(
	    rbac_snapshot_open_version(&sf, p, kind, geteuid(), 0, version, SFX_NOW, NULL, 0),
	    RBAC_SNAPSHOT_OK);
	gen = sf.snap.generation;
	rbac_snapshot_close(&sf);
	return gen;
}

static void publish(int lock_fd, int previous_versions, struct rbac_publish_result *r)
{
	char err[512];

	ck_assert_msg(rbac_publish(dir, lock_fd, &f.model, &f.opts, previous_versions, NULL, r,
				   err, sizeof(err)) == 0,
		      "%s", err);
}

static void assert_generation_everywhere(uint64_t gen, bool with_v2)
{
	ck_assert_uint_eq(generation_of("groups.v3.db", RBAC_SNAPSHOT_GROUPS, 3), gen);
	ck_assert_uint_eq(generation_of("accounts.v3.db", RBAC_SNAPSHOT_ACCOUNTS, 3), gen);
	if (!with_v2)
		return;
	ck_assert_uint_eq(generation_of("groups.db", RBAC_SNAPSHOT_GROUPS, 2), gen);
	ck_assert_uint_eq(generation_of("accounts.db", RBAC_SNAPSHOT_ACCOUNTS, 2), gen);
}

START_TEST(test_publish_both_versions)
{
	struct rbac_publish_result r;
	struct stat st;
	char p[256];

	publish(-1, 1, &r);
	ck_assert_uint_eq(r.generation, 1);
	ck_assert_uint_eq(r.groups, 8);
	ck_assert_uint_eq(r.accounts, f.n_accounts);
	assert_generation_everywhere(1, true);
	snprintf(p, sizeof(p), "%s/accounts.db", dir);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	snprintf(p, sizeof(p), "%s/groups.v3.db", dir);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	snprintf(p, sizeof(p), "%s/writer.lock", dir);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	publish(-1, 1, &r);
	assert_generation_everywhere(2, true);
	/* Without previous versions, the old files go: an old reader finds
	 * nothing rather than a snapshot that stops changing. */
	publish(-1, 0, &r);
	assert_generation_everywhere(3, false);
	ck_assert(!exists("groups.db"));
	ck_assert(!exists("accounts.db"));
	ck_assert(exists("groups.v3.db"));
}
END_TEST

/* The first version 3 write continues version 2's generations. */
START_TEST(test_generation_continues_from_v2)
{
	struct rbac_snapshot_image v2 = {0};
	struct rbac_publish_result r;
	char err[512];

	f.opts.generation = 41;
	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_int_eq(rbac_snapshot_image_v2(&img, RBAC_SNAPSHOT_GROUPS, &v2), 0);
	ck_assert_msg(rbac_snapshot_write_file(dir, "groups.db", 0644, v2.data, v2.len, err,
					       sizeof(err)) == 0,
		      "%s", err);
	rbac_snapshot_image_free(&v2);
	publish(-1, 1, &r);
	ck_assert_uint_eq(r.generation, 42);
	assert_generation_everywhere(42, true);
}
END_TEST

START_TEST(test_writer_lock)
{
	struct rbac_publish_result r;
	char err[512], want[256];
	int fd, fd2;

	fd = rbac_writer_lock(dir, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	/* A second writer (another open file description) is refused,
	 * told who holds the lock, and writes nothing. */
	fd2 = rbac_writer_lock(dir, err, sizeof(err));
	ck_assert_int_eq(fd2, -1);
	snprintf(want, sizeof(want), "(pid %ld) holds %s/writer.lock", (long)getpid(), dir);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_int_eq(
	    rbac_publish(dir, -1, &f.model, &f.opts, 1, NULL, &r, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert(!exists("groups.v3.db"));
	/* The holder publishes under the lock it holds, and keeps it. */
	publish(fd, 1, &r);
	ck_assert(exists("groups.v3.db"));
	ck_assert_int_eq(rbac_writer_lock(dir, err, sizeof(err)), -1);
	close(fd);
	fd = rbac_writer_lock(dir, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	close(fd);
}
END_TEST

/* The agent's in-place proof: both version 3 files, nothing else. */
START_TEST(test_publish_proof)
{
	struct rbac_publish_result r;
	struct rbac_snapshot_file sf;
	char p[256], err[512];
	int64_t at;

	ck_assert_int_eq(rbac_publish_proof(dir, SFX_NOW, err, sizeof(err)), -1);
	publish(-1, 1, &r);
	ck_assert_msg(rbac_publish_proof(dir, SFX_NOW - 1, err, sizeof(err)) == 0, "%s", err);
	snprintf(p, sizeof(p), "%s/groups.v3.db", dir);
	ck_assert_int_eq(
	    rbac_snapshot_open(&sf, p, RBAC_SNAPSHOT_GROUPS, geteuid(), SFX_NOW, NULL, 0),
	    RBAC_SNAPSHOT_OK);
	ck_assert(rbac_snapshot_proof(&sf.snap, &at));
	ck_assert_int_eq(at, SFX_NOW - 1);
	/* A mapping sees the next proof without being opened again. */
	ck_assert_int_eq(rbac_publish_proof(dir, SFX_NOW, err, sizeof(err)), 0);
	ck_assert(rbac_snapshot_proof(&sf.snap, &at));
	ck_assert_int_eq(at, SFX_NOW);
	rbac_snapshot_close(&sf);
	snprintf(p, sizeof(p), "%s/accounts.v3.db", dir);
	ck_assert_int_eq(rbac_snapshot_open_mode(&sf, p, RBAC_SNAPSHOT_ACCOUNTS, geteuid(),
						 RBAC_FILE_PRIVATE, SFX_NOW, NULL, 0),
			 RBAC_SNAPSHOT_OK);
	ck_assert(rbac_snapshot_proof(&sf.snap, &at));
	ck_assert_int_eq(at, SFX_NOW);
	rbac_snapshot_close(&sf);
	assert_generation_everywhere(1, true);
}
END_TEST

/* ----------------------------------------- role assignments (DESIGN §11) */

static void assign(const char *role, const char *uid, const char *from, const char *until)
{
	struct rbac_role *r = rbac_namespace_find_role(&f.eng, role);
	struct rbac_assignment *a;

	ck_assert_ptr_nonnull(r);
	a = rbac_role_add_assignment(r, uid, "uid=x,cn=role,cn=eng");
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(rbac_time_bound_set(&a->valid_from, from), 0);
	ck_assert_int_eq(rbac_time_bound_set(&a->valid_until, until), 0);
}

/* uid in group name: its membership current at now (1, 0), -2 when the
 * group does not list uid; checked the NSS ways: by the group's walk and
 * by the user's own groups (initgroups). */
static int member_state(const struct rbac_snapshot *s, const char *group, const char *uid,
			time_t now)
{
	struct rbac_snapshot_group g;
	struct rbac_snapshot_user u;

	ck_assert(rbac_snapshot_group_by_name(s, group, &g));
	for (uint32_t j = 0; j < g.n_members; j++) {
		int c;

		ck_assert(rbac_snapshot_member_at(s, &g, j, &u));
		if (strcmp(u.name, uid) != 0)
			continue;
		c = rbac_snapshot_member_current(s, &g, j, now);
		ck_assert_int_eq(rbac_snapshot_user_in_group_current(s, &u, &g, now),
				 rbac_snapshot_membership_current(s, &g, j, now));
		return c;
	}
	return -2;
}

/* The names a lookup at now copies from the packed block, when now is in
 * the group's interval: exactly the members current at now. */
static void assert_packed_agrees(const struct rbac_snapshot *s, const char *group, time_t now)
{
	struct rbac_snapshot_group g;
	char buf[4096], *mem[64];
	uint32_t current = 0;

	ck_assert(rbac_snapshot_group_by_name(s, group, &g));
	for (uint32_t j = 0; j < g.n_members; j++)
		current += (uint32_t)rbac_snapshot_member_current(s, &g, j, now);
	if (!rbac_snapshot_group_packed_at(&g, now))
		return;
	ck_assert_uint_lt(g.packed_size, sizeof(buf));
	ck_assert(rbac_snapshot_group_unpack(s, &g, buf, mem));
	ck_assert_uint_eq(g.n_packed, current);
}

START_TEST(test_assignment_memberships)
{
	struct rbac_snapshot s;
	char what[256] = "";
	time_t t[] = {SFX_NOW, SFX_NOW + 59, SFX_NOW + 60, SFX_NOW + 3600, SFX_NOW + 3601};

	/* grace holds no role; from a minute from now for an hour */
	assign("admin", "grace", "20270101000059Z", "20270101005959Z");
	/* alice holds admin by memberUid: her ended assignment changes nothing */
	assign("admin", "alice", NULL, "20200101000000Z");
	/* unreadable, inverted, over: grant nothing, never listed */
	assign("contractor", "grace", "20270101000000.5Z", NULL);
	assign("super-admin", "grace", "20270102000000Z", "20270101000000Z");
	assign("deployer", "grace", NULL, "20261231000000Z");
	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	ck_assert_msg(rbac_snapshot_verify_full(&s, what, sizeof(what)) == RBAC_SNAPSHOT_OK,
		      "%s", what);
	ck_assert_int_eq(member_state(&s, "rbac-admin", "grace", SFX_NOW), 0);
	ck_assert_int_eq(member_state(&s, "rbac-admin", "grace", SFX_NOW + 59), 0);
	ck_assert_int_eq(member_state(&s, "rbac-admin", "grace", SFX_NOW + 60), 1);
	ck_assert_int_eq(member_state(&s, "rbac-admin", "grace", SFX_NOW + 3600), 1);
	ck_assert_int_eq(member_state(&s, "rbac-admin", "grace", SFX_NOW + 3601), 0);
	ck_assert_int_eq(member_state(&s, "rbac-admin", "alice", SFX_NOW + 3601), 1);
	/* nss.expand_inherited: admin's holders are members of what it inherits */
	ck_assert_int_eq(member_state(&s, "rbac-manager", "grace", SFX_NOW), 0);
	ck_assert_int_eq(member_state(&s, "rbac-manager", "grace", SFX_NOW + 60), 1);
	ck_assert_int_eq(member_state(&s, "rbac-contractor", "grace", SFX_NOW + 60), -2);
	ck_assert_int_eq(member_state(&s, "rbac-super-admin", "grace", SFX_NOW + 60), -2);
	ck_assert_int_eq(member_state(&s, "rbac-deployer", "grace", SFX_NOW + 60), -2);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_packed_agrees(&s, "rbac-admin", t[i]);
}
END_TEST

/* Two windows of one user for one role: overlapping ones are one window;
 * apart, the one in force at the write is kept. memberUid beats both. */
START_TEST(test_assignment_windows_merge)
{
	struct rbac_snapshot s;

	assign("admin", "grace", "20261231000000Z", "20270101000100Z");
	assign("admin", "grace", "20270101000000Z", "20270101010000Z");
	assign("admin", "heidi", "20261231000000Z", "20270101000100Z");
	assign("admin", "heidi", "20270102000000Z", "20270103000000Z");
	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_GROUPS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	ck_assert_int_eq(member_state(&s, "rbac-admin", "grace", SFX_NOW + 3600), 1);
	ck_assert_int_eq(member_state(&s, "rbac-admin", "grace", SFX_NOW + 3602), 0);
	ck_assert_int_eq(member_state(&s, "rbac-admin", "heidi", SFX_NOW), 1);
	ck_assert_int_eq(member_state(&s, "rbac-admin", "heidi", SFX_NOW + 86400 + 60), 0);
}
END_TEST

/* A membership window is covered by its group's checksum. */
START_TEST(test_member_window_checked_at_use)
{
	assign("admin", "grace", "20270101000059Z", "20270101005959Z");
	sfx_build(&f, RBAC_SNAPSHOT_GROUPS, &img);
	ck_assert_uint_gt(le32(img.data + H_SECTIONS + 8 * 11 + 4), 0);
	/* group 0's first membership window, then one of its later ones */
	group_refused_at_use(sec_off(11));
	group_refused_at_use(sec_off(11) + 16 * 2 + 8);
}
END_TEST

/* pam_rbac's local decision from accounts.v3.db for uid and perm at now. */
static enum rbac_reason local_at(const struct rbac_snapshot *s, const char *uid,
				 const char *perm, time_t now, size_t *n_roles)
{
	struct rbac_account account;
	struct rbac_namespace ns;
	struct rbac_decision d;

	rbac_account_init(&account);
	rbac_namespace_init(&ns);
	ck_assert_int_eq(rbac_offline_lookup(s, f.opts.permissions, f.opts.n_permissions, uid,
					     perm, &account, &ns),
			 RBAC_OFFLINE_ANSWERED);
	rbac_offline_decide(&ns, &account, perm, now, false, &d);
	*n_roles = ns.n_roles;
	rbac_account_free(&account);
	rbac_namespace_free(&ns);
	return d.reason;
}

/* accounts.v3.db stores each held role's and granted permission's window;
 * the local decision checks them at its time (DESIGN.md §11). */
START_TEST(test_assignment_accounts)
{
	struct rbac_snapshot s;
	char what[256] = "";
	size_t n;

	assign("admin", "grace", "20270101000059Z", "20270101005959Z");
	assign("admin", "alice", NULL, "20270101005959Z"); /* memberUid beside it */
	assign("admin", "heidi", "20270101000059Z", "20270101005959Z"); /* heidi: user */
	assign("contractor", "grace", "20270101000000.5Z", NULL);	/* unreadable */
	sfx_build(&f, RBAC_SNAPSHOT_ACCOUNTS, &img);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&s, img.data, img.len, RBAC_SNAPSHOT_ACCOUNTS, SFX_NOW),
	    RBAC_SNAPSHOT_OK);
	ck_assert_msg(rbac_snapshot_verify_full(&s, what, sizeof(what)) == RBAC_SNAPSHOT_OK,
		      "%s", what);
	ck_assert_int_eq(local_at(&s, "grace", "host.sudo", SFX_NOW, &n), RBAC_REASON_NO_ROLES);
	ck_assert_int_eq(local_at(&s, "grace", "host.sudo", SFX_NOW + 60, &n),
			 RBAC_REASON_GRANTED);
	ck_assert_int_eq(local_at(&s, "grace", "host.login", SFX_NOW + 3600, &n),
			 RBAC_REASON_GRANTED);
	ck_assert_int_eq(local_at(&s, "grace", "host.sudo", SFX_NOW + 3601, &n),
			 RBAC_REASON_NO_ROLES);
	ck_assert_int_eq(local_at(&s, "alice", "host.sudo", SFX_NOW + 86400, &n),
			 RBAC_REASON_GRANTED);
	ck_assert_uint_eq(n, 1); /* held always: the one synthetic role */
	/* heidi holds user always (host.login), admin for the hour (host.sudo) */
	ck_assert_int_eq(local_at(&s, "heidi", "host.login", SFX_NOW, &n), RBAC_REASON_GRANTED);
	ck_assert_int_eq(local_at(&s, "heidi", "host.sudo", SFX_NOW, &n),
			 RBAC_REASON_NO_PERMISSION);
	ck_assert_int_eq(local_at(&s, "heidi", "host.sudo", SFX_NOW + 60, &n),
			 RBAC_REASON_GRANTED);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(local_at(&s, "heidi", "host.sudo", SFX_NOW + 3601, &n),
			 RBAC_REASON_NO_PERMISSION);
}
END_TEST

/* A held role's window is covered by its account's checksum. */
START_TEST(test_ref_window_checked_at_use)
{
	struct rbac_snapshot s;
	struct rbac_snapshot_account a;

	assign("admin", "grace", "20270101000059Z", "20270101005959Z");
	sfx_build(&f, RBAC_SNAPSHOT_ACCOUNTS, &img);
	ck_assert_uint_gt(le32(img.data + H_SECTIONS + 8 * 4 + 4), 0);
	for (uint32_t i = 0; i < le32(img.data + H_SECTIONS + 8 * 4 + 4); i++) {
		size_t at = sec_off(4) + 16 * i;
		uint32_t bad = 0;

		open_flipped(at, RBAC_SNAPSHOT_ACCOUNTS, &s);
		for (uint32_t k = 0; k < rbac_snapshot_account_count(&s); k++)
			bad += !rbac_snapshot_account_at(&s, k, &a);
		ck_assert_uint_eq(bad, 1); /* exactly the account that owns it */
		img.data[at] ^= 0x20;
	}
}
END_TEST

/* groups.db (version 2) readers know no membership window: the publish
 * gives them the groups without the assignments' memberships. */
START_TEST(test_v2_without_assignments)
{
	struct rbac_publish_result r;
	struct rbac_snapshot_file sf;
	char p[256];

	assign("admin", "grace", NULL, "20270101005959Z");
	publish(-1, 1, &r);
	snprintf(p, sizeof(p), "%s/groups.v3.db", dir);
	ck_assert_int_eq(rbac_snapshot_open_version(&sf, p, RBAC_SNAPSHOT_GROUPS, geteuid(), 0,
						    3, SFX_NOW, NULL, 0),
			 RBAC_SNAPSHOT_OK);
	ck_assert_int_eq(member_state(&sf.snap, "rbac-admin", "grace", SFX_NOW), 1);
	rbac_snapshot_close(&sf);
	snprintf(p, sizeof(p), "%s/groups.db", dir);
	ck_assert_int_eq(rbac_snapshot_open_version(&sf, p, RBAC_SNAPSHOT_GROUPS, geteuid(), 0,
						    2, SFX_NOW, NULL, 0),
			 RBAC_SNAPSHOT_OK);
	ck_assert_int_eq(member_state(&sf.snap, "rbac-admin", "grace", SFX_NOW), -2);
	ck_assert_int_eq(member_state(&sf.snap, "rbac-admin", "alice", SFX_NOW), 1);
	rbac_snapshot_close(&sf);
	/* accounts.db: grace holds nothing there */
	snprintf(p, sizeof(p), "%s/accounts.db", dir);
	ck_assert_int_eq(rbac_snapshot_open_version(&sf, p, RBAC_SNAPSHOT_ACCOUNTS, geteuid(),
						    0, 2, SFX_NOW, NULL, 0),
			 RBAC_SNAPSHOT_OK);
	ck_assert_int_eq(offline(&sf.snap, "grace"), RBAC_OFFLINE_ANSWERED);
	{
		struct rbac_snapshot_account a;

		ck_assert_int_eq(rbac_snapshot_account_find(&sf.snap, "grace", &a),
				 RBAC_SNAPSHOT_FOUND);
		ck_assert_uint_eq(a.n_roles, 0);
	}
	rbac_snapshot_close(&sf);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("snapshot v3");
	TCase *th = tcase_create("header");
	TCase *tp = tcase_create("publish");

	tcase_add_checked_fixture(th, setup, teardown);
	tcase_add_test(th, test_sync_state_round_trip);
	tcase_add_test(th, test_refresh_header);
	tcase_add_test(th, test_proof_block_torn);
	tcase_add_test(th, test_header_checksum);
	tcase_add_test(th, test_v2_image_beside);
	tcase_add_test(th, test_build_both_as_separate);
	tcase_add_test(th, test_v2_check_against_v3);
	tcase_add_test(th, test_write_verified_refuses_bad_image);
	tcase_add_test(th, test_write_begin_commit_abort);
	tcase_add_test(th, test_group_record_checked_at_use);
	tcase_add_test(th, test_user_record_checked_at_use);
	tcase_add_test(th, test_account_record_checked_at_use);
	tcase_add_test(th, test_header_strings_covered);
	tcase_add_test(th, test_assignment_memberships);
	tcase_add_test(th, test_assignment_windows_merge);
	tcase_add_test(th, test_member_window_checked_at_use);
	tcase_add_test(th, test_assignment_accounts);
	tcase_add_test(th, test_ref_window_checked_at_use);
	tcase_add_test(tp, test_checked_records_remembered);
	suite_add_tcase(s, th);
	tcase_add_checked_fixture(tp, setup, teardown);
	tcase_add_test(tp, test_publish_both_versions);
	tcase_add_test(tp, test_generation_continues_from_v2);
	tcase_add_test(tp, test_writer_lock);
	tcase_add_test(tp, test_publish_proof);
	tcase_add_test(tp, test_v2_without_assignments);
	suite_add_tcase(s, tp);
	return s;
}

int main(void)
{
	return fx_run(suite());
}
