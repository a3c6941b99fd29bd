/*
 * check_import.c - the bulk CSV of `rbacctl import` (rbacctl/import.c):
 * RFC 4180 quoting, every refusal with its file:line:column, nothing kept
 * from a bad file, warnings for groups that name no role, and the LDIF.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "import.h"

/* A directory with roles eng/admin (alice holds it) and eng/user, and an
 * existing account carol. */
static const char *t_role_dn(void *data, const char *ref, const char **canon)
{
	(void)data;
	if (!strcmp(ref, "admin") || !strcmp(ref, "eng/admin")) {
		*canon = "eng/admin";
		return "cn=admin,cn=eng,ou=rbac,dc=example,dc=org";
	}
	if (!strcmp(ref, "user") || !strcmp(ref, "eng/user")) {
		*canon = "eng/user";
		return "cn=user,cn=eng,ou=rbac,dc=example,dc=org";
	}
	return NULL;
}

static int t_holds(void *data, const char *canon, const char *uid)
{
	(void)data;
	return !strcmp(canon, "eng/admin") && !strcmp(uid, "alice");
}

/* carol is there, active (rbacAccountStatus as read: "Active") */
static const char *t_account_dn(void *data, const char *uid, const char **status)
{
	(void)data;
	*status = "Active";
	return strcmp(uid, "carol") ? NULL : "uid=carol,ou=people,dc=example,dc=org";
}

static const struct imp_dir t_dir = {NULL, t_role_dn, t_holds, t_account_dn};

#define HEADER "Email,Name,Role,Groups,Status\n"

static struct imp_file f;

static void teardown(void)
{
	imp_file_free(&f);
}

static int parse(const char *csv)
{
	return imp_parse(&f, "u.csv", csv, strlen(csv), &t_dir);
}

/* Exactly one error, at line:col, whose text holds what. */
static void assert_one_error(const char *csv, unsigned line, unsigned col, const char *what)
{
	ck_assert_int_eq(parse(csv), 1);
	ck_assert_uint_eq(f.n_errors, 1);
	ck_assert_uint_eq(f.errors[0].line, line);
	ck_assert_uint_eq(f.errors[0].col, col);
	ck_assert_msg(strstr(f.errors[0].text, what) != NULL, "\"%s\" lacks \"%s\"",
		      f.errors[0].text, what);
}

START_TEST(good_rows)
{
	ck_assert_int_eq(parse(HEADER
			       "dave@example.org,Dave Doe,admin,,ACTIVE\r\n"
			       "\"eve@example.org\",\"Doe, Eve \"\"E\"\"\",eng/user,,INACTIVE\n"
			       "carol@example.org,Carol,user,\"admin; ops\",suspended"),
			 0);
	ck_assert_uint_eq(f.n_rows, 3);
	ck_assert_str_eq(f.rows[0].uid, "dave");
	ck_assert_str_eq(f.rows[0].status, "active");
	ck_assert_uint_eq(f.rows[1].line, 3);
	ck_assert_str_eq(f.rows[1].name, "Doe, Eve \"E\"");
	ck_assert_str_eq(f.rows[1].status, "disabled");
	ck_assert_str_eq(f.rows[2].status, "suspended");
	ck_assert_str_eq(f.rows[2].account_dn, "uid=carol,ou=people,dc=example,dc=org");
	/* Groups: admin is a role (a grant), ops is not (a warning at its column) */
	ck_assert_uint_eq(f.rows[2].n_grants, 2);
	ck_assert_str_eq(f.rows[2].grants[1].canon, "eng/admin");
	ck_assert_uint_eq(f.n_warnings, 1);
	ck_assert_uint_eq(f.warnings[0].line, 4);
	ck_assert_uint_eq(f.warnings[0].col, 38);
	ck_assert(strstr(f.warnings[0].text, "\"ops\" names no role") != NULL);
}
END_TEST

START_TEST(uid_column)
{
	ck_assert_int_eq(parse("Uid,Email,Name,Role,Status\n"
			       "jdoe,john.doe+x@example.org,John,admin,ACTIVE\n"
			       ",jane@example.org,Jane,admin,ACTIVE\n"),
			 0);
	ck_assert_str_eq(f.rows[0].uid, "jdoe");
	ck_assert_str_eq(f.rows[1].uid, "jane");
}
END_TEST

START_TEST(quoted_newline_counts_lines)
{
	/* a quoted field over two lines: the next row is on line 4 */
	assert_one_error(HEADER "a@example.org,A,admin,\"user,\r\n admin\",ACTIVE\n"
				"b@example.org,B,nope,,ACTIVE\n",
			 4, 17, "Role: \"nope\" is no role");
	ck_assert_uint_eq(f.n_rows, 1);
	ck_assert_uint_eq(f.n_warnings, 0);
	ck_assert_uint_eq(f.rows[0].n_grants, 2);
	teardown();
	/* a group's place inside a quoted field: after doubled quotes, on
	 * the field's second line */
	ck_assert_int_eq(
	    parse(HEADER "a@example.org,A,admin,  \"\"\"q\"\", x,\n  ops\",ACTIVE\n"), 0);
	ck_assert_uint_eq(f.n_warnings, 3);
	ck_assert_uint_eq(f.warnings[0].line, 2);
	ck_assert_uint_eq(f.warnings[0].col, 26);
	ck_assert_str_eq(f.warnings[0].text, "Groups: \"\"q\"\" names no role: ignored");
	ck_assert_uint_eq(f.warnings[1].col, 33);
	ck_assert_uint_eq(f.warnings[2].line, 3);
	ck_assert_uint_eq(f.warnings[2].col, 3);
}
END_TEST

START_TEST(broken_quotes)
{
	/* a quote inside an unquoted field: named at the quote */
	assert_one_error(HEADER "a@example.org,Al \"x\",admin,,ACTIVE\n", 2, 18,
			 "broken quote");
	teardown();
	/* text after a closing quote */
	assert_one_error(HEADER "a@example.org,\"Al\"x,admin,,ACTIVE\n", 2, 19, "broken quote");
	teardown();
	/* a quote never closed: named where it opened */
	assert_one_error(HEADER "a@example.org,\"Al,admin,,ACTIVE\n", 2, 15, "never closes");
	ck_assert_uint_eq(f.n_rows, 0);
}
END_TEST

START_TEST(bad_fields)
{
	assert_one_error(HEADER "a@example.org,A,admin,,ACTIV\n", 2, 24, "Status: \"ACTIV\"");
	teardown();
	assert_one_error(HEADER "not-an-address,A,admin,,ACTIVE\n", 2, 1, "is not an address");
	teardown();
	assert_one_error(HEADER "a@localhost,A,admin,,ACTIVE\n", 2, 1, "is not an address");
	teardown();
	assert_one_error(HEADER "a@example.org,,admin,,ACTIVE\n", 2, 15, "Name: empty");
	teardown();
	assert_one_error(HEADER "a@example.org,A,,,ACTIVE\n", 2, 17, "is no role");
	teardown();
	/* a local part that is a valid address but no usable uid */
	assert_one_error(HEADER "-x@example.org,A,admin,,ACTIVE\n", 2, 1, "not a usable uid");
	teardown();
	assert_one_error("Email,Name,Role,Status,Uid\na@example.org,A,admin,ACTIVE,a:b\n", 2,
			 30, "Uid: \"a:b\"");
	teardown();
	assert_one_error(HEADER "a@example.org,A,admin,ACTIVE\n", 2, 1,
			 "4 fields where the header has 5");
}
END_TEST

START_TEST(bad_header)
{
	assert_one_error("Email,Name,Role,Groups,Status,Phone\n", 1, 31,
			 "unknown column \"Phone\"");
	teardown();
	assert_one_error("Email,Name,Role,Groups\n", 1, 1, "no Status column");
	teardown();
	assert_one_error("Email,Name,Role,Status,email\n", 1, 24, "Email given twice");
	teardown();
	assert_one_error("", 1, 1, "no header line");
}
END_TEST

START_TEST(duplicates)
{
	ck_assert_int_eq(parse(HEADER "a@example.org,A,admin,,ACTIVE\n"
				      "b@example.org,B,admin,,ACTIVE\n"
				      "a@example.org,A,admin,,ACTIVE\n"
				      "a@other.example,A2,user,,ACTIVE\n"),
			 1);
	ck_assert_uint_eq(f.n_errors, 2);
	ck_assert_uint_eq(f.errors[0].line, 4);
	ck_assert_str_eq(f.errors[0].text, "duplicate uid \"a\" (first on line 2)");
	ck_assert_uint_eq(f.errors[1].line, 5);
}
END_TEST

START_TEST(every_error_reported_in_order)
{
	ck_assert_int_eq(parse(HEADER "bad,A,admin,,ACTIVE\n"
				      "ok@example.org,A,admin,,ACTIVE\n"
				      "c@example.org,C,nope,,NOPE\n"),
			 1);
	ck_assert_uint_eq(f.n_errors, 3);
	ck_assert_uint_eq(f.errors[0].line, 2);
	ck_assert_uint_eq(f.errors[1].line, 4);
	ck_assert_uint_eq(f.errors[1].col, 17);
	ck_assert_uint_eq(f.errors[2].col, 23);
}
END_TEST

START_TEST(messages_printed)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_int_eq(parse(HEADER "a@example.org,A,admin,,\"X\x1b[2J\"\n"), 1);
	imp_print_msgs(&f, f.errors, f.n_errors, "", out);
	fclose(out);
	ck_assert_str_eq(
	    buf, "u.csv:2:24: Status: \"X?[2J\" is not ACTIVE, INACTIVE or SUSPENDED\n");
	free(buf);
}
END_TEST

START_TEST(ldif)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_int_eq(parse(HEADER "alice@example.org,Alice,admin,user,ACTIVE\n"
				      "carol@example.org,Carol,user,,SUSPENDED\n"
				      "zoe@example.org,Zo\xc3\xab,user,,ACTIVE\n"),
			 0);
	/* three accounts, then one modify for the role's two new members
	 * (alice already holds eng/admin: nothing for it) */
	ck_assert_int_eq(imp_write_ldif(&f, "ou=people,dc=example,dc=org", out), 4);
	fclose(out);
	ck_assert_str_eq(buf, "# line 2: new account\n"
			      "dn: uid=alice,ou=people,dc=example,dc=org\n"
			      "changetype: add\n"
			      "objectClass: inetOrgPerson\n"
			      "objectClass: rbacAccount\n"
			      "uid: alice\n"
			      "cn: Alice\n"
			      "sn: Alice\n"
			      "mail: alice@example.org\n"
			      "rbacAccountStatus: active\n"
			      "\n"
			      "# line 3: account status\n"
			      "dn: uid=carol,ou=people,dc=example,dc=org\n"
			      "changetype: modify\n"
			      "replace: rbacAccountStatus\n"
			      "rbacAccountStatus: suspended\n"
			      "-\n"
			      "\n"
			      "# line 4: new account\n"
			      "dn: uid=zoe,ou=people,dc=example,dc=org\n"
			      "changetype: add\n"
			      "objectClass: inetOrgPerson\n"
			      "objectClass: rbacAccount\n"
			      "uid: zoe\n"
			      "cn:: Wm/Dqw==\n"
			      "sn:: Wm/Dqw==\n"
			      "mail: zoe@example.org\n"
			      "rbacAccountStatus: active\n"
			      "\n"
			      "# grant eng/user: 3 users\n"
			      "dn: cn=user,cn=eng,ou=rbac,dc=example,dc=org\n"
			      "changetype: modify\n"
			      "add: memberUid\n"
			      "memberUid: alice\n"
			      "memberUid: carol\n"
			      "memberUid: zoe\n"
			      "-\n"
			      "\n");
	free(buf);
}
END_TEST

START_TEST(unchanged_account)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	/* carol active already: nothing for her account; the grant remains */
	ck_assert_int_eq(parse(HEADER "carol@example.org,Carol,user,,ACTIVE\n"), 0);
	ck_assert(f.rows[0].unchanged);
	ck_assert_int_eq(imp_write_ldif(&f, "ou=people,dc=example,dc=org", out), 1);
	fclose(out);
	ck_assert_str_eq(buf, "# grant eng/user: 1 user\n"
			      "dn: cn=user,cn=eng,ou=rbac,dc=example,dc=org\n"
			      "changetype: modify\n"
			      "add: memberUid\n"
			      "memberUid: carol\n"
			      "-\n"
			      "\n");
	free(buf);
}
END_TEST

START_TEST(bom_and_blank_lines)
{
	ck_assert_int_eq(parse("\xef\xbb\xbf" HEADER "\n\na@example.org,A,admin,,ACTIVE\n\n"),
			 0);
	ck_assert_uint_eq(f.n_rows, 1);
	ck_assert_uint_eq(f.rows[0].line, 4);
	teardown();
	assert_one_error("\xef\xbb\xbf" HEADER "\nb@example.org,B,x,,ACTIVE\n", 3, 17,
			 "no role");
}
END_TEST

static Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("csv");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, good_rows);
	tcase_add_test(tc, uid_column);
	tcase_add_test(tc, quoted_newline_counts_lines);
	tcase_add_test(tc, broken_quotes);
	tcase_add_test(tc, bad_fields);
	tcase_add_test(tc, bad_header);
	tcase_add_test(tc, duplicates);
	tcase_add_test(tc, every_error_reported_in_order);
	tcase_add_test(tc, messages_printed);
	tcase_add_test(tc, ldif);
	tcase_add_test(tc, unchanged_account);
	tcase_add_test(tc, bom_and_blank_lines);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(import_suite());
}
