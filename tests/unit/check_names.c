/*
 * check_names.c - which names the modules accept (rbac_names.h): the three
 * uses of a user name side by side, namespace names, permissions, group
 * names and the group-name format. The tables pin every accepted and
 * refused set, so a change to one rule shows up here as a changed row.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "fixture.h"
#include "rbac_names.h"

/* ------------------------------------------------------------ user names */

/* One row: a name and the verdict of each use (login, member, exempt). */
static const struct {
	const char *name;
	bool login, member, exempt;
} user_names[] = {
    {"alice", true, true, true},
    {"j.doe-2_x$", true, true, true},
    {"Alice.Smith@corp", true, true, true},
    {"Zo\xc3\xab", true, true, true}, /* UTF-8 */
    {"", false, false, false},
    {"ali\nce", false, false, false},
    {"ali\tce", false, false, false},
    {"ali\x7f", false, false, false},
    /* a space: a directory uid may hold one, a group line may not */
    {"a b", true, false, false},
    /* ':' separates the fields of group(5) and passwd(5) */
    {"a:b", true, false, false},
    /* ',' separates the members of a group(5) line */
    {"a,b", true, false, true},
    /* '/' cannot be in a local account name */
    {"a/b", true, true, false},
    /* a leading '-' reads as an option to the tools that print members */
    {"-alice", true, false, true},
    /* bytes that are not UTF-8 can equal no LDAP string, but a group line
     * and the exempt list carry them as they are */
    {"\xff\xfe", false, true, true},
    {"\xc0\xaf", false, true, true},	     /* overlong '/' */
    {"\xed\xa0\x80", false, true, true},     /* surrogate */
    {"\xf4\x90\x80\x80", false, true, true}, /* > U+10FFFF */
    {"\xe2\x82", false, true, true},	     /* cut short */
};

START_TEST(test_user_name_uses)
{
	const char *n = user_names[_i].name;

	ck_assert_msg(rbac_user_name_valid(n, RBAC_USER_NAME_LOGIN) == user_names[_i].login,
		      "login \"%s\"", n);
	ck_assert_msg(rbac_user_name_valid(n, RBAC_USER_NAME_MEMBER) == user_names[_i].member,
		      "member \"%s\"", n);
	ck_assert_msg(rbac_user_name_valid(n, RBAC_USER_NAME_EXEMPT) == user_names[_i].exempt,
		      "exempt \"%s\"", n);
}
END_TEST

/* A name of n 'a's under each use. */
static bool long_name_valid(size_t n, enum rbac_user_name_use use)
{
	char name[RBAC_LOGIN_NAME_MAX + 2];
	bool ok;

	ck_assert_uint_lt(n, sizeof(name));
	memset(name, 'a', n);
	name[n] = '\0';
	ok = rbac_user_name_valid(name, use);
	return ok;
}

START_TEST(test_user_name_lengths)
{
	ck_assert_int_eq(RBAC_LOGIN_NAME_MAX, 256);
	ck_assert_int_eq(RBAC_USER_NAME_MAX, 255);
	ck_assert(long_name_valid(256, RBAC_USER_NAME_LOGIN));
	ck_assert(!long_name_valid(257, RBAC_USER_NAME_LOGIN));
	ck_assert(long_name_valid(255, RBAC_USER_NAME_MEMBER));
	ck_assert(!long_name_valid(256, RBAC_USER_NAME_MEMBER));
	ck_assert(long_name_valid(255, RBAC_USER_NAME_EXEMPT));
	ck_assert(!long_name_valid(256, RBAC_USER_NAME_EXEMPT));
	for (int use = RBAC_USER_NAME_LOGIN; use <= RBAC_USER_NAME_EXEMPT; use++)
		ck_assert(!rbac_user_name_valid(NULL, (enum rbac_user_name_use)use));
}
END_TEST

/* ------------------------------------------- namespaces and permissions */

static const struct {
	const char *name;
	bool valid;
} namespace_names[] = {
    {"eng", true},
    {"Eng-2.prod_x", true},
    {"0ps", true},
    {"a", true},
    {"", false},
    {"-eng", false},
    {".eng", false},
    {"_eng", false},
    {"e ng", false},
    {"e,ng", false},
    {"e=ng", false},
    {"e/ng", false},
    {"caf\xc3\xa9", false},
};

START_TEST(test_namespace_names)
{
	ck_assert_msg(rbac_namespace_name_valid(namespace_names[_i].name) ==
			  namespace_names[_i].valid,
		      "\"%s\"", namespace_names[_i].name);
}
END_TEST

START_TEST(test_namespace_name_length)
{
	char name[RBAC_NAMESPACE_NAME_MAX + 2];

	ck_assert_int_eq(RBAC_NAMESPACE_NAME_MAX, 64);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert(!rbac_namespace_name_valid(name));
	name[RBAC_NAMESPACE_NAME_MAX] = '\0';
	ck_assert(rbac_namespace_name_valid(name));
	ck_assert(!rbac_namespace_name_valid(NULL));
}
END_TEST

static const struct {
	const char *permission;
	bool valid;
} permissions[] = {
    {"host.login", true},  {"host.*", true},	{"*", true},	       {"a:b,c/d=e", true},
    {"r\xc3\xa9le", true}, {"", false},		{"host login", false}, {"host.\tx", false},
    {"host\n", false},	   {"host\x7f", false},
};

START_TEST(test_permissions)
{
	ck_assert_msg(rbac_permission_valid(permissions[_i].permission) ==
			  permissions[_i].valid,
		      "\"%s\"", permissions[_i].permission);
}
END_TEST

START_TEST(test_permission_length)
{
	char perm[RBAC_PERMISSION_MAX + 2];

	ck_assert_int_eq(RBAC_PERMISSION_MAX, 255);
	memset(perm, 'p', sizeof(perm) - 1);
	perm[sizeof(perm) - 1] = '\0';
	ck_assert(!rbac_permission_valid(perm));
	perm[RBAC_PERMISSION_MAX] = '\0';
	ck_assert(rbac_permission_valid(perm));
}
END_TEST

/* ---------------------------------------------------------------- groups */

static const struct {
	const char *name;
	bool valid;
} group_names[] = {
    {"rbac-admin", true},
    {"rbac-super-admin", true},
    {"_x", true},
    {"a", true},
    {"a$", true},
    {"rbac_1-2", true},
    {"abcdefghijklmnopqrstuvwxyz012345", true},	  /* 32 */
    {"abcdefghijklmnopqrstuvwxyz0123456", false}, /* 33 */
    {"", false},
    {"$", false},
    {"1abc", false},
    {"-abc", false},
    {"rbac-Admin", false},
    {"rbac admin", false},
    {"rbac:admin", false},
    {"rbac,admin", false},
    {"rbac.admin", false},
    {"rbac/admin", false},
    {"a$b", false},
    {"caf\xc3\xa9", false},
};

START_TEST(test_group_name_valid)
{
	ck_assert_msg(rbac_group_name_valid(group_names[_i].name) == group_names[_i].valid,
		      "\"%s\" should be %s", group_names[_i].name,
		      group_names[_i].valid ? "valid" : "invalid");
}
END_TEST

START_TEST(test_group_name_format)
{
	char buf[64];

	ck_assert_int_eq(rbac_group_name_format("rbac-%r", "eng", "admin", buf, sizeof(buf)),
			 0);
	ck_assert_str_eq(buf, "rbac-admin");
	ck_assert_int_eq(rbac_group_name_format("%n-%r", "eng", "admin", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "eng-admin");
	ck_assert_int_eq(rbac_group_name_format("%%%r%%", "eng", "x", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "%x%");
	ck_assert_int_eq(rbac_group_name_format("%q%r", "eng", "x", buf, sizeof(buf)), -1);
	ck_assert_int_eq(rbac_group_name_format("x%", "eng", "x", buf, sizeof(buf)), -1);
	ck_assert_int_eq(rbac_group_name_format("rbac-%r", "eng", "admin", buf, 10), -1);
	ck_assert_int_eq(rbac_group_name_format("rbac-%r", "eng", "admin", buf, 11), 0);
}
END_TEST

START_TEST(test_group_format_escapes)
{
	bool role = true;

	ck_assert_ptr_null(rbac_group_format_bad_escape("rbac-%r", &role));
	ck_assert(role);
	ck_assert_ptr_null(rbac_group_format_bad_escape("%n-%%r", &role));
	ck_assert(!role); /* "%%r" is a '%' and an 'r' */
	ck_assert_ptr_null(rbac_group_format_bad_escape("", &role));
	ck_assert(!role);
	ck_assert_str_eq(rbac_group_format_bad_escape("%r-%q-%x", &role), "q-%x");
	ck_assert_str_eq(rbac_group_format_bad_escape("%r%", &role), "");
}
END_TEST

/* The writer's and rbacctl's question: format, then validity. */
START_TEST(test_role_group_name)
{
	char buf[64];

	ck_assert(rbac_role_group_name("rbac-%r", "eng", "admin", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "rbac-admin");
	ck_assert(rbac_role_group_name("%n-%r", "eng", "admin", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "eng-admin");
	/* formatted, but not a group name: the text is kept for the message */
	ck_assert(!rbac_role_group_name("rbac-%r", "eng", "Admin", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "rbac-Admin");
	ck_assert(!rbac_role_group_name("%n-%r", "Eng", "admin", buf, sizeof(buf)));
	ck_assert(!rbac_role_group_name("%q%r", "eng", "admin", buf, sizeof(buf)));
	ck_assert(!rbac_role_group_name("rbac-%r", "eng", "admin", buf, 10));
}
END_TEST

/* ------------------------------------------------------- the group plan */

static struct rbac_role *role_with_gid(struct rbac_namespace *ns, const char *name,
				       unsigned long gid)
{
	struct rbac_role *r = fx_role(ns, name, NULL, NULL, NULL, NULL);

	r->has_gid = true;
	r->gid = gid;
	return r;
}

/* Roles in name order, the host's before the global ones; the first to
 * claim a name or a gid keeps it, and a skipped role says which earlier
 * groups it clashes with. */
START_TEST(test_group_plan)
{
	struct rbac_namespace eng, glob;
	struct rbac_group_plan p;
	const struct rbac_role_group *v;

	fx_namespace(&eng, "eng", NULL);
	role_with_gid(&eng, "b", 900002);
	role_with_gid(&eng, "a", 900001);
	fx_role(&eng, "Ops", NULL, NULL, NULL, NULL);
	role_with_gid(&eng, "c", 900001);
	fx_namespace(&glob, "glob", NULL);
	role_with_gid(&glob, "b", 900001); /* name of eng/b, gid of eng/a */
	role_with_gid(&glob, "d", 900003);
	ck_assert_int_eq(rbac_group_plan(&eng, "rbac-%r", &glob, "rbac-%r", 900000, 999999, &p),
			 0);
	ck_assert_uint_eq(p.n, 6);
	v = p.v;
	ck_assert_str_eq(v[0].role->name, "Ops");
	ck_assert_int_eq(v[0].fate, RBAC_GROUP_INVALID_NAME);
	ck_assert_str_eq(v[0].name, "rbac-Ops");
	ck_assert_str_eq(v[1].name, "rbac-a");
	ck_assert_int_eq(v[1].fate, RBAC_GROUP_MADE);
	ck_assert_uint_eq(v[1].gid, 900001);
	ck_assert_int_eq(v[2].fate, RBAC_GROUP_MADE);
	ck_assert_str_eq(v[3].name, "rbac-c");
	ck_assert_int_eq(v[3].fate, RBAC_GROUP_GID_TAKEN);
	ck_assert_ptr_eq(v[3].same_gid, &v[1]);
	ck_assert_ptr_null(v[3].same_name);
	ck_assert_ptr_eq(v[4].ns, &glob);
	ck_assert_int_eq(v[4].fate, RBAC_GROUP_NAME_TAKEN);
	ck_assert_ptr_eq(v[4].same_name, &v[2]);
	ck_assert_ptr_eq(v[4].same_gid, &v[1]);
	ck_assert_int_eq(v[5].fate, RBAC_GROUP_MADE);
	ck_assert_uint_eq(v[5].gid, 900003);
	rbac_group_plan_free(&p);
	ck_assert_ptr_null(p.v);
	/* no global namespace, and the gid hashed when gidNumber is out of range */
	ck_assert_int_eq(rbac_group_plan(&eng, "%n-%r", NULL, "x-%r", 5000, 5000, &p), 0);
	ck_assert_uint_eq(p.n, 4);
	ck_assert_str_eq(p.v[1].name, "eng-a");
	ck_assert_uint_eq(p.v[1].gid, 5000);
	ck_assert_int_eq(p.v[2].fate, RBAC_GROUP_GID_TAKEN);
	rbac_group_plan_free(&p);
	rbac_namespace_free(&eng);
	rbac_namespace_free(&glob);
}
END_TEST

static Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tu = tcase_create("users");
	TCase *tn = tcase_create("namespaces and permissions");
	TCase *tg = tcase_create("groups");

	tcase_add_loop_test(tu, test_user_name_uses, 0,
			    sizeof(user_names) / sizeof(user_names[0]));
	tcase_add_test(tu, test_user_name_lengths);
	suite_add_tcase(s, tu);
	tcase_add_loop_test(tn, test_namespace_names, 0,
			    sizeof(namespace_names) / sizeof(namespace_names[0]));
	tcase_add_test(tn, test_namespace_name_length);
	tcase_add_loop_test(tn, test_permissions, 0,
			    sizeof(permissions) / sizeof(permissions[0]));
	tcase_add_test(tn, test_permission_length);
	suite_add_tcase(s, tn);
	tcase_add_loop_test(tg, test_group_name_valid, 0,
			    sizeof(group_names) / sizeof(group_names[0]));
	tcase_add_test(tg, test_group_name_format);
	tcase_add_test(tg, test_group_format_escapes);
	tcase_add_test(tg, test_role_group_name);
	tcase_add_test(tg, test_group_plan);
	suite_add_tcase(s, tg);
	return s;
}

int main(void)
{
	return fx_run(names_suite());
}
