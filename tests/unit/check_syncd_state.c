/*
 * check_syncd_state.c - syncd.state (syncd/state.c): a model and its
 * cookie written and read back to the same model, and every refusal that
 * sends the agent to a full refresh: no file, a short one, a corrupt one,
 * another format version, another configuration, a file others may write.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "fixture.h"
#include "state.h"
#include "syncd_fixture.h"

#define BASE   "ou=rbac,dc=example,dc=org"
#define USERS  "ou=people,dc=example,dc=org"
#define NS     "objectClass=rbacNamespace"
#define ROLE   "objectClass=rbacRole"
#define ACCT   "objectClass=rbacAccount"
#define COOKIE "rid=000,csn=20261204211035.103640Z#000000#000#000000"

static struct rbac_config cfg;
static struct syncd_model *m, *m2;
static char dir[64], path[128];
static unsigned char *cookie;
static size_t cookie_len;
static char err[1024];

static void setup(void)
{
	sfx_config(&cfg, "global");
	m = syncd_model_new(&cfg, &fx_logger);
	m2 = syncd_model_new(&cfg, &fx_logger);
	ck_assert(m != NULL && m2 != NULL);
	strcpy(dir, "/tmp/check_syncd_state.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/" SYNCD_STATE_FILE, dir);
	cookie = NULL;
	cookie_len = 0;
	syncd_model_refresh_begin(m, false);
	sfx_put(m, 1, "cn=eng," BASE, NS " cn=eng rbacPermission=host.login");
	sfx_put(m, 2, "cn=user,cn=eng," BASE,
		ROLE " cn=user rbacPermission=host.login gidNumber=900001 memberUid=bob");
	sfx_put(m, 3, "cn=admin,cn=eng," BASE,
		ROLE " cn=admin rbacInherits=user memberUid=alice");
	sfx_put(m, 4, "uid=alice," USERS, ACCT " uid=alice rbacStatusReason=x");
	sfx_put(m, 5, "uid=bob," USERS, ACCT " uid=bob rbacValidUntil=20991231000000Z");
	sfx_put(m, 6, "cn=sales," BASE, NS " cn=sales");
	syncd_model_refresh_done(m);
}

static void teardown(void)
{
	free(cookie);
	syncd_model_free(m);
	syncd_model_free(m2);
	rbac_config_free(&cfg);
	fx_remove_tree(dir);
}

static void save(void)
{
	struct rbac_bytes c = {COOKIE, strlen(COOKIE)};

	ck_assert_msg(syncd_state_save(path, m, &c, &cfg, err, sizeof(err)) == 0, "%s", err);
}

static enum syncd_state_result load(void)
{
	free(cookie);
	return syncd_state_load(path, &cfg, m2, &cookie, &cookie_len, err, sizeof(err));
}

/* The file's bytes, to damage. */
static unsigned char *slurp(size_t *len)
{
	struct stat st;
	unsigned char *p;
	FILE *f = fopen(path, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	p = malloc((size_t)st.st_size + 1);
	ck_assert_uint_eq(fread(p, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*len = (size_t)st.st_size;
	return p;
}

static void spill(const unsigned char *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0600), 0);
}

/* The checksum made right again after a change of the content. */
static void reseal(unsigned char *p, size_t len)
{
	uint64_t sum = XXH3_64bits_withSeed(p + 32, len - 32, XXH3_64bits(p, 24));

	for (int i = 0; i < 8; i++)
		p[24 + i] = (unsigned char)(sum >> (8 * i));
}

static void assert_refused(enum syncd_state_result want)
{
	ck_assert_int_eq(load(), want);
	ck_assert_ptr_null(cookie);
	ck_assert_uint_eq(cookie_len, 0);
	ck_assert_uint_eq(syncd_model_count(m2), 0);
	ck_assert_ptr_nonnull(strstr(err, syncd_state_strerror(want)));
}

static void assert_same_model(void)
{
	struct rbac_bytes c = {COOKIE, strlen(COOKIE)};
	unsigned char *a, *b;
	size_t la, lb;
	struct rbac_snapshot_model s1, s2;
	struct rbac_snapshot_image g1, a1, g2, a2;

	ck_assert_int_eq(syncd_state_serialize(m, &c, &cfg, &a, &la), 0);
	ck_assert_int_eq(syncd_state_serialize(m2, &c, &cfg, &b, &lb), 0);
	ck_assert_uint_eq(la, lb);
	ck_assert(memcmp(a, b, la) == 0);
	free(a);
	free(b);
	ck_assert_int_eq(syncd_model_derive(m, &s1), SYNCD_MODEL_OK);
	ck_assert_int_eq(syncd_model_derive(m2, &s2), SYNCD_MODEL_OK);
	sfx_images(&s1, &g1, &a1);
	sfx_images(&s2, &g2, &a2);
	ck_assert(g1.len == g2.len && memcmp(g1.data, g2.data, g1.len) == 0);
	ck_assert(a1.len == a2.len && memcmp(a1.data, a2.data, a1.len) == 0);
	rbac_snapshot_image_free(&g1);
	rbac_snapshot_image_free(&a1);
	rbac_snapshot_image_free(&g2);
	rbac_snapshot_image_free(&a2);
}

START_TEST(test_round_trip)
{
	struct stat st;

	save();
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(load(), SYNCD_STATE_OK);
	ck_assert_uint_eq(cookie_len, strlen(COOKIE));
	ck_assert(memcmp(cookie, COOKIE, cookie_len) == 0);
	ck_assert_uint_eq(syncd_model_count(m2), 6);
	assert_same_model();
	/* Written again over the old one. */
	sfx_put(m, 7, "uid=carol," USERS, ACCT " uid=carol");
	save();
	ck_assert_int_eq(load(), SYNCD_STATE_OK);
	ck_assert_uint_eq(syncd_model_count(m2), 7);
}
END_TEST

/* The links by UUID survive, where the DNs no longer lead: the namespace
 * was renamed after its roles were sent. */
START_TEST(test_round_trip_keeps_links)
{
	struct rbac_snapshot_model s;

	sfx_put(m, 1, "cn=eng2," BASE, NS " cn=eng2");
	sfx_put(m, 6, "cn=eng," BASE, NS " cn=eng");
	sfx_put(m, 8, "cn=late,cn=eng2," BASE, ROLE " cn=late");
	save();
	ck_assert_int_eq(load(), SYNCD_STATE_OK);
	assert_same_model();
	ck_assert_int_eq(syncd_model_derive(m2, &s), SYNCD_MODEL_OK);
	ck_assert_uint_eq(s.ns->n_roles, 0); /* eng is the former sales */
	sfx_put(m2, 1, "cn=eng," BASE, NS " cn=eng");
	sfx_put(m2, 6, "cn=sales," BASE, NS " cn=sales");
	ck_assert_int_eq(syncd_model_derive(m2, &s), SYNCD_MODEL_OK);
	ck_assert_uint_eq(s.ns->n_roles, 3);
	ck_assert_ptr_nonnull(rbac_namespace_find_role(s.ns, "late"));
}
END_TEST

START_TEST(test_no_cookie)
{
	ck_assert_int_eq(syncd_state_save(path, m, NULL, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(load(), SYNCD_STATE_OK);
	ck_assert_ptr_null(cookie);
	ck_assert_uint_eq(cookie_len, 0);
}
END_TEST

START_TEST(test_missing)
{
	assert_refused(SYNCD_STATE_MISSING);
}
END_TEST

START_TEST(test_truncated)
{
	size_t len;
	unsigned char *p;

	save();
	p = slurp(&len);
	spill(p, len - 1);
	assert_refused(SYNCD_STATE_TRUNCATED);
	spill(p, 20);
	assert_refused(SYNCD_STATE_TRUNCATED);
	spill(p, 3);
	assert_refused(SYNCD_STATE_TRUNCATED);
	spill(p, 0);
	assert_refused(SYNCD_STATE_TRUNCATED);
	free(p);
}
END_TEST

START_TEST(test_corrupt)
{
	size_t len;
	unsigned char *p;

	save();
	p = slurp(&len);
	p[len / 2] ^= 0x10; /* the checksum catches it */
	spill(p, len);
	assert_refused(SYNCD_STATE_CORRUPT);
	p[len / 2] ^= 0x10;
	p[0] = 'X';
	spill(p, len);
	assert_refused(SYNCD_STATE_CORRUPT);
	p[0] = 'R';
	/* Longer than it says. */
	p = realloc(p, len + 1);
	p[len] = 0;
	spill(p, len + 1);
	assert_refused(SYNCD_STATE_CORRUPT);
	free(p);
}
END_TEST

/* Content a checksum cannot vouch for: a file sealed right around wrong
 * content is still refused, and nothing of it stays in the model. */
START_TEST(test_corrupt_content)
{
	size_t len;
	unsigned char *p;

	save();
	p = slurp(&len);
	p[40] ^= 1; /* one entry more or less than there are */
	reseal(p, len);
	spill(p, len);
	assert_refused(SYNCD_STATE_CORRUPT);
	p[40] ^= 1;
	p[44] = 0xff; /* a cookie longer than the file */
	reseal(p, len);
	spill(p, len);
	assert_refused(SYNCD_STATE_CORRUPT);
	free(p);
}
END_TEST

START_TEST(test_other_version)
{
	size_t len;
	unsigned char *p;

	save();
	p = slurp(&len);
	p[8] = SYNCD_STATE_VERSION + 1;
	reseal(p, len);
	spill(p, len);
	assert_refused(SYNCD_STATE_VERSION_MISMATCH);
	free(p);
}
END_TEST

START_TEST(test_other_config)
{
	char e[RBAC_ERRLEN];

	save();
	/* The URIs do not count: a failover keeps the state. */
	cfg.ldap.uri = calloc(1, sizeof(char *));
	ck_assert_ptr_nonnull(cfg.ldap.uri);
	cfg.ldap.uri[0] = strdup("ldap://127.0.0.2/");
	cfg.ldap.n_uri = 1;
	ck_assert_int_eq(load(), SYNCD_STATE_OK);
	ck_assert_int_eq(rbac_config_set(&cfg, "namespace", "sales", "t", e, sizeof(e)), 0);
	assert_refused(SYNCD_STATE_OTHER_CONFIG);
	rbac_config_free(&cfg);
	sfx_config(&cfg, NULL);
	assert_refused(SYNCD_STATE_OTHER_CONFIG);
	rbac_config_free(&cfg);
	sfx_config(&cfg, "global");
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "ldap.user_base", "dc=example,dc=org", "t", e, sizeof(e)), 0);
	assert_refused(SYNCD_STATE_OTHER_CONFIG);
}
END_TEST

START_TEST(test_writable_by_others)
{
	save();
	ck_assert_int_eq(chmod(path, 0666), 0);
	assert_refused(SYNCD_STATE_UNREADABLE);
}
END_TEST

/* A failed write leaves the old file as it was. */
START_TEST(test_failed_write_keeps_old)
{
	char bad[256];

	save();
	snprintf(bad, sizeof(bad), "%s/no/such/dir/" SYNCD_STATE_FILE, dir);
	ck_assert_int_eq(syncd_state_save(bad, m, NULL, &cfg, err, sizeof(err)), -1);
	ck_assert_int_eq(load(), SYNCD_STATE_OK);
}
END_TEST

static Suite *syncd_state_suite(void)
{
	Suite *s = suite_create("syncd_state");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_round_trip_keeps_links);
	tcase_add_test(tc, test_no_cookie);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_corrupt);
	tcase_add_test(tc, test_corrupt_content);
	tcase_add_test(tc, test_other_version);
	tcase_add_test(tc, test_other_config);
	tcase_add_test(tc, test_writable_by_others);
	tcase_add_test(tc, test_failed_write_keeps_old);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(syncd_state_suite());
}
