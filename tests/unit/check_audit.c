/*
 * check_audit.c - accesslog records to events (rbacctl/audit.c): every
 * kind of entry (namespace, role, assignment, account, unrelated) with
 * every kind of write (add, delete, modify with +, -, "-" of all values,
 * = with and without old values), written the way slapd 2.5 logs them
 * (reqMod "attr:+ value", reqOld "attr: value"; seen in audit.test).
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "fixture.h"

#define BASE   "ou=rbac,dc=example,dc=org"
#define PEOPLE "ou=people,dc=example,dc=org"
#define ADMIN  "uid=alice,ou=people,dc=example,dc=org"
#define T0     "20261205025117.564664Z"

static const struct audit_layout lay = {BASE, PEOPLE};
static struct audit_events ev;

static void teardown(void)
{
	audit_events_free(&ev);
}

/* Runs one record; mods and old are '|'-separated lists ("" for none). */
static int run(const char *type, const char *dn, const char *mods, const char *old)
{
	char *m = strdup(mods), *o = strdup(old), *sv;
	const char *mv[64], *ov[64];
	size_t nm = 0, no = 0;
	int rc;

	for (char *t = strtok_r(m, "|", &sv); t != NULL && nm < 64;
	     t = strtok_r(NULL, "|", &sv))
		mv[nm++] = t;
	for (char *t = strtok_r(o, "|", &sv); t != NULL && no < 64;
	     t = strtok_r(NULL, "|", &sv))
		ov[no++] = t;
	struct audit_record r = {T0, type, ADMIN, dn, mv, nm, ov, no};
	rc = audit_record_events(&lay, &r, &ev);
	free(m);
	free(o);
	return rc;
}

static char *list(const struct rbac_strlist *l)
{
	static char buf[4][256];
	static int at;
	char *b = buf[at++ % 4];

	b[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		if (i > 0)
			strcat(b, " ");
		strcat(b, l->v[i]);
	}
	return b;
}

static const char *s(const char *v)
{
	return v != NULL ? v : "-";
}

/* Event i as "KIND ns/role user attr [before] [after]". */
static const char *show(size_t i)
{
	static char buf[512];
	const struct audit_event *e;

	ck_assert_uint_lt(i, ev.n);
	e = &ev.v[i];
	snprintf(buf, sizeof(buf), "%s %s/%s %s %s [%s] [%s]", audit_kind_name(e->kind),
		 s(e->namespace_name), s(e->role), s(e->user), s(e->attribute),
		 list(&e->before), list(&e->after));
	return buf;
}

static void expect(size_t n, ...)
{
	va_list ap;

	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(show(i), va_arg(ap, const char *));
	va_end(ap);
	ck_assert_uint_eq(ev.n, n);
}

#define ROLE_USER "cn=user,cn=eng," BASE

START_TEST(three_members_added)
{
	ck_assert_int_eq(run("modify", ROLE_USER,
			     "memberUid:+ x1|memberUid:+ x2|memberUid:+ x3|"
			     "entryCSN:= 20261205025117.687244Z#000000#000#000000|"
			     "modifiersName:= " ADMIN "|modifyTimestamp:= 20261205025117Z",
			     "memberUid: bob|memberUid: dave"),
			 0);
	expect(3, "ROLE_GRANTED eng/user x1 memberUid [] [x1]",
	       "ROLE_GRANTED eng/user x2 memberUid [] [x2]",
	       "ROLE_GRANTED eng/user x3 memberUid [] [x3]");
	ck_assert_str_eq(ev.v[0].actor, ADMIN);
	ck_assert_str_eq(ev.v[0].dn, ROLE_USER);
	ck_assert_str_eq(ev.v[0].stamp, T0);
	ck_assert_int_eq(ev.v[0].time, 1796439077);
}
END_TEST

START_TEST(members_removed)
{
	ck_assert_int_eq(
	    run("modify", ROLE_USER, "memberUid:- bob", "memberUid: bob|memberUid: dave"), 0);
	expect(1, "ROLE_REVOKED eng/user bob memberUid [bob] []");
	teardown();
	/* the whole attribute: every old value */
	ck_assert_int_eq(
	    run("modify", ROLE_USER, "memberUid:-", "memberUid: bob|memberUid: dave"), 0);
	expect(2, "ROLE_REVOKED eng/user bob memberUid [bob] []",
	       "ROLE_REVOKED eng/user dave memberUid [dave] []");
}
END_TEST

START_TEST(members_replaced)
{
	ck_assert_int_eq(run("modify", ROLE_USER, "memberUid:= dave|memberUid:= eve",
			     "memberUid: bob|memberUid: dave"),
			 0);
	expect(2, "ROLE_REVOKED eng/user bob memberUid [bob] []",
	       "ROLE_GRANTED eng/user eve memberUid [] [eve]");
	teardown();
	/* replace by nothing */
	ck_assert_int_eq(run("modify", ROLE_USER, "memberUid:=", "memberUid: bob"), 0);
	expect(1, "ROLE_REVOKED eng/user bob memberUid [bob] []");
}
END_TEST

START_TEST(add_then_delete_in_one_modify_is_nothing)
{
	ck_assert_int_eq(run("modify", ROLE_USER, "memberUid:+ x|memberUid:- x", ""), 0);
	expect(0);
	/* delete then add back: nothing either */
	ck_assert_int_eq(
	    run("modify", ROLE_USER, "memberUid:- bob|memberUid:+ bob", "memberUid: bob"), 0);
	expect(0);
	/* replace by the same values */
	ck_assert_int_eq(run("modify", ROLE_USER, "memberUid:= bob", "memberUid: bob"), 0);
	expect(0);
}
END_TEST

START_TEST(definition_changes)
{
	ck_assert_int_eq(run("modify", ROLE_USER,
			     "rbacPermission:= host.login|rbacPermission:= app.x|"
			     "rbacRestriction:+ host.su|rbacInherits:- base",
			     "rbacPermission: host.login|rbacPermission: host.sudo"),
			 0);
	expect(3, "ROLE_DEFINITION_CHANGED eng/user - rbacPermission [host.sudo] [app.x]",
	       "ROLE_DEFINITION_CHANGED eng/user - rbacRestriction [] [host.su]",
	       "ROLE_DEFINITION_CHANGED eng/user - rbacInherits [base] []");
	ck_assert_ptr_null(ev.v[0].user);
}
END_TEST

START_TEST(replace_without_old_values)
{
	/* logold left roles out: only what the replace put in is known */
	ck_assert_int_eq(run("modify", ROLE_USER, "rbacPermission:= a|rbacPermission:= b", ""),
			 0);
	expect(1, "ROLE_DEFINITION_CHANGED eng/user - rbacPermission [] [a b]");
}
END_TEST

START_TEST(case_exact_values)
{
	/* permissions are case-exact: host.Login is another permission */
	ck_assert_int_eq(run("modify", ROLE_USER, "rbacPermission:= host.Login",
			     "rbacPermission: host.login"),
			 0);
	expect(1,
	       "ROLE_DEFINITION_CHANGED eng/user - rbacPermission [host.login] [host.Login]");
}
END_TEST

START_TEST(role_created_and_deleted)
{
	ck_assert_int_eq(run("add", "cn=ops,cn=eng," BASE,
			     "objectClass:+ rbacRole|cn:+ ops|rbacPermission:+ host.login|"
			     "rbacInherits:+ user|memberUid:+ zed|gidNumber:+ 900100|"
			     "entryUUID:+ 7cf1160e-84a2-1041-99a4-49e58d3f829a",
			     ""),
			 0);
	expect(4, "ROLE_CREATED eng/ops - - [] []",
	       "ROLE_GRANTED eng/ops zed memberUid [] [zed]",
	       "ROLE_DEFINITION_CHANGED eng/ops - rbacPermission [] [host.login]",
	       "ROLE_DEFINITION_CHANGED eng/ops - rbacInherits [] [user]");
	teardown();
	ck_assert_int_eq(run("delete", "cn=auditor,cn=eng," BASE, "",
			     "objectClass: rbacRole|cn: auditor|rbacPermission: app.logs.read|"
			     "memberUid: ann|gidNumber: 900050"),
			 0);
	expect(3, "ROLE_REVOKED eng/auditor ann memberUid [ann] []",
	       "ROLE_DEFINITION_CHANGED eng/auditor - rbacPermission [app.logs.read] []",
	       "ROLE_DELETED eng/auditor - - [] []");
}
END_TEST

#define ASSIGN "uid=alice,cn=admin,cn=eng," BASE

START_TEST(assignment_added_deleted_changed)
{
	ck_assert_int_eq(run("add", ASSIGN,
			     "objectClass:+ rbacAssignment|uid:+ alice|rbacValidUntil:+ "
			     "20261204110000Z|rbacTicket:+ INC-1",
			     ""),
			 0);
	expect(1, "ROLE_GRANTED eng/admin alice rbacAssignment [] [alice]");
	ck_assert_str_eq(ev.v[0].valid_until, "20261204110000Z");
	ck_assert_str_eq(ev.v[0].ticket, "INC-1");
	ck_assert_ptr_null(ev.v[0].valid_from);
	teardown();
	ck_assert_int_eq(run("delete", ASSIGN, "",
			     "objectClass: rbacAssignment|uid: alice|rbacValidFrom: "
			     "20261204090000Z|rbacValidUntil: 20261204110000Z"),
			 0);
	expect(1, "ROLE_REVOKED eng/admin alice rbacAssignment [alice] []");
	ck_assert_str_eq(ev.v[0].valid_from, "20261204090000Z");
	ck_assert_str_eq(ev.v[0].valid_until, "20261204110000Z");
	teardown();
	/* its early end */
	ck_assert_int_eq(run("modify", ASSIGN, "rbacValidUntil:= 20261204100000Z",
			     "rbacValidUntil: 20261204110000Z"),
			 0);
	expect(1, "ASSIGNMENT_CHANGED eng/admin alice rbacValidUntil [20261204110000Z] "
		  "[20261204100000Z]");
}
END_TEST

START_TEST(assignment_escaped_rdn)
{
	/* a uid with a comma, RFC 4514-escaped in two ways */
	ck_assert_int_eq(run("add", "uid=a\\,b,cn=admin,cn=eng," BASE, "uid:+ a,b", ""), 0);
	ck_assert_int_eq(run("add", "uid=a\\2Cc,cn=admin,cn=eng," BASE, "uid:+ a,c", ""), 0);
	expect(2, "ROLE_GRANTED eng/admin a,b rbacAssignment [] [a,b]",
	       "ROLE_GRANTED eng/admin a,c rbacAssignment [] [a,c]");
}
END_TEST

#define BOB "uid=bob," PEOPLE

START_TEST(status_changes)
{
	ck_assert_int_eq(run("modify", BOB,
			     "rbacAccountStatus:= suspended|rbacStatusReason:= security hold|"
			     "modifiersName:= " ADMIN,
			     "rbacAccountStatus: active"),
			 0);
	expect(1, "ACCOUNT_STATUS_CHANGED -/- bob rbacAccountStatus [active] [suspended]");
	ck_assert_str_eq(ev.v[0].reason, "security hold");
	teardown();
	/* from no value (active by default) */
	ck_assert_int_eq(run("modify", BOB, "rbacAccountStatus:+ disabled", ""), 0);
	expect(1, "ACCOUNT_STATUS_CHANGED -/- bob rbacAccountStatus [] [disabled]");
	teardown();
	/* activate: the reason goes */
	ck_assert_int_eq(
	    run("modify", BOB, "rbacAccountStatus:= active|rbacStatusReason:-",
		"rbacAccountStatus: suspended|rbacStatusReason: password reset pending"),
	    0);
	expect(1, "ACCOUNT_STATUS_CHANGED -/- bob rbacAccountStatus [suspended] [active]");
	ck_assert_ptr_null(ev.v[0].reason);
	teardown();
	/* the same status in another case: no change */
	ck_assert_int_eq(
	    run("modify", BOB, "rbacAccountStatus:= Active", "rbacAccountStatus: active"), 0);
	expect(0);
	/* the reason alone */
	ck_assert_int_eq(
	    run("modify", BOB, "rbacStatusReason:= new words", "rbacStatusReason: old"), 0);
	expect(1, "ACCOUNT_STATUS_CHANGED -/- bob rbacStatusReason [old] [new words]");
	ck_assert_str_eq(ev.v[0].reason, "new words");
}
END_TEST

START_TEST(validity_changes)
{
	ck_assert_int_eq(run("modify", BOB,
			     "rbacValidUntil:= 20270101000000Z|rbacValidFrom:-|description:= x",
			     "rbacValidUntil: 20261231000000Z|rbacValidFrom: 20260101000000Z"),
			 0);
	expect(2, "ACCOUNT_VALIDITY_CHANGED -/- bob rbacValidFrom [20260101000000Z] []",
	       "ACCOUNT_VALIDITY_CHANGED -/- bob rbacValidUntil [20261231000000Z] "
	       "[20270101000000Z]");
}
END_TEST

START_TEST(account_deleted)
{
	ck_assert_int_eq(run("delete", BOB, "",
			     "objectClass: inetOrgPerson|objectClass: rbacAccount|uid: bob|"
			     "rbacAccountStatus: suspended"),
			 0);
	expect(1, "ACCOUNT_DELETED -/- bob - [suspended] []");
	teardown();
	/* not an rbacAccount (or logold did not cover it): no event */
	ck_assert_int_eq(run("delete", "uid=x," PEOPLE, "", "objectClass: inetOrgPerson"), 0);
	ck_assert_int_eq(run("delete", "uid=y," PEOPLE, "", ""), 0);
	/* an account added: no event of its own */
	ck_assert_int_eq(run("add", "uid=z," PEOPLE, "objectClass:+ rbacAccount|uid:+ z", ""),
			 0);
	expect(0);
}
END_TEST

START_TEST(account_uid_from_values)
{
	/* an account whose RDN is not its uid */
	ck_assert_int_eq(run("modify", "cn=Bob B," PEOPLE, "rbacAccountStatus:= disabled",
			     "rbacAccountStatus: active|uid: bob"),
			 0);
	expect(1, "ACCOUNT_STATUS_CHANGED -/- bob rbacAccountStatus [active] [disabled]");
	/* deeper below the user base */
	ck_assert_int_eq(
	    run("modify", "uid=carl,ou=x," PEOPLE, "rbacAccountStatus:+ deleted", ""), 0);
	ck_assert_str_eq(show(1),
			 "ACCOUNT_STATUS_CHANGED -/- carl rbacAccountStatus [] [deleted]");
}
END_TEST

START_TEST(master_list)
{
	ck_assert_int_eq(
	    run("modify", "cn=eng," BASE, "rbacPermission:+ db.admin|description:= x", ""), 0);
	expect(1, "MASTER_LIST_CHANGED eng/- - rbacPermission [] [db.admin]");
	teardown();
	ck_assert_int_eq(run("modify", "cn=eng," BASE, "rbacPermission:- host.su",
			     "rbacPermission: host.su"),
			 0);
	expect(1, "MASTER_LIST_CHANGED eng/- - rbacPermission [host.su] []");
}
END_TEST

START_TEST(dn_forms)
{
	/* the base matched without regard to case and spaces */
	ck_assert_int_eq(
	    run("modify", "CN=user, cn=eng, OU=RBAC,dc=Example,dc=org", "memberUid:+ q", ""),
	    0);
	expect(1, "ROLE_GRANTED eng/user q memberUid [] [q]");
	teardown();
	/* not RBAC's: elsewhere, too deep, the base itself, another type */
	ck_assert_int_eq(
	    run("modify", "cn=user,cn=eng,ou=other,dc=example,dc=org", "memberUid:+ q", ""), 0);
	ck_assert_int_eq(run("modify", "cn=a,cn=user,cn=eng," BASE, "memberUid:+ q", ""), 0);
	ck_assert_int_eq(run("modify", BASE, "memberUid:+ q", ""), 0);
	ck_assert_int_eq(run("modify", "ou=user,cn=eng," BASE, "memberUid:+ q", ""), 0);
	ck_assert_int_eq(run("modify", PEOPLE, "rbacAccountStatus:+ disabled", ""), 0);
	ck_assert_int_eq(run("modify", "not a dn", "memberUid:+ q", ""), 0);
	ck_assert_int_eq(run("modify", "", "memberUid:+ q", ""), 0);
	expect(0);
}
END_TEST

START_TEST(unreadable_records)
{
	struct audit_record r = {"garbage", "modify", ADMIN, ROLE_USER, NULL, 0, NULL, 0};

	ck_assert_int_eq(audit_record_events(&lay, &r, &ev), 1);
	r.req_start = NULL;
	ck_assert_int_eq(audit_record_events(&lay, &r, &ev), 1);
	r.req_start = T0;
	r.dn = NULL;
	ck_assert_int_eq(audit_record_events(&lay, &r, &ev), 1);
	r.dn = ROLE_USER;
	r.req_type = NULL;
	ck_assert_int_eq(audit_record_events(&lay, &r, &ev), 1);
	/* a rename and odd mods are skipped, not errors */
	ck_assert_int_eq(run("modrdn", ROLE_USER, "", ""), 0);
	ck_assert_int_eq(
	    run("modify", ROLE_USER, "memberUid|memberUid:|memberUid:# 1|memberUid:+", ""), 0);
	expect(0);
}
END_TEST

START_TEST(expired_and_sorted)
{
	ck_assert_int_eq(
	    audit_expired_event(&lay, ASSIGN, "alice", NULL, "20261205020000Z", "INC-9", &ev),
	    0);
	ck_assert_int_eq(run("modify", ROLE_USER, "memberUid:+ x1", ""), 0);
	ck_assert_int_eq(audit_expired_event(&lay, "uid=bo,cn=admin,cn=eng," BASE, NULL, NULL,
					     "20261205030000Z", NULL, &ev),
			 0);
	ck_assert_int_eq(
	    audit_expired_event(&lay, ROLE_USER, "x", NULL, "20261205030000Z", NULL, &ev), 1);
	ck_assert_int_eq(audit_expired_event(&lay, ASSIGN, "x", NULL, "bad", NULL, &ev), 1);
	ck_assert_int_eq(audit_expired_event(&lay, "cn=x,ou=other,dc=example,dc=org", "x", NULL,
					     "20261205030000Z", NULL, &ev),
			 1);
	audit_events_sort(&ev);
	expect(3, "ASSIGNMENT_EXPIRED eng/admin alice rbacValidUntil [alice] []",
	       "ROLE_GRANTED eng/user x1 memberUid [] [x1]",
	       "ASSIGNMENT_EXPIRED eng/admin bo rbacValidUntil [bo] []");
	ck_assert_ptr_null(ev.v[0].actor);
	ck_assert_str_eq(ev.v[0].ticket, "INC-9");
	ck_assert_str_eq(ev.v[2].valid_until, "20261205030000Z");
}
END_TEST

START_TEST(actor_of_a_replicated_copy)
{
	struct audit_record r = {
	    T0, "modify", "cn=replicator,dc=example,dc=org", ROLE_USER, NULL, 0, NULL, 0};
	const char *mods[] = {"memberUid:+ q", "modifiersName:= uid=sam," PEOPLE};

	r.mods = mods;
	r.n_mods = 2;
	ck_assert_int_eq(audit_record_events(&lay, &r, &ev), 0);
	expect(1, "ROLE_GRANTED eng/user q memberUid [] [q]");
	ck_assert_str_eq(ev.v[0].actor, "uid=sam," PEOPLE);
	/* an add: modifiersName:+ */
	mods[1] = "modifiersName:+ uid=ann," PEOPLE;
	ck_assert_int_eq(audit_record_events(&lay, &r, &ev), 0);
	ck_assert_str_eq(ev.v[1].actor, "uid=ann," PEOPLE);
	/* a delete has none: reqAuthzID */
	r.n_mods = 1;
	ck_assert_int_eq(audit_record_events(&lay, &r, &ev), 0);
	ck_assert_str_eq(ev.v[2].actor, "cn=replicator,dc=example,dc=org");
}
END_TEST

START_TEST(account_expired)
{
	char *c[AUDIT_NCOLS];

	ck_assert_int_eq(audit_expired_event(&lay, "uid=peggy," PEOPLE, "peggy",
					     "20260101000000Z", "20261205030000Z", NULL, &ev),
			 0);
	expect(1, "ACCOUNT_EXPIRED -/- peggy rbacValidUntil [] []");
	ck_assert_ptr_null(ev.v[0].actor);
	ck_assert_int_eq(audit_cells(&ev.v[0], c), 0);
	ck_assert_str_eq(c[12], "2026-01-01T00:00:00Z");
	ck_assert_str_eq(c[13], "2026-12-05T03:00:00Z");
	audit_cells_free(c);
}
END_TEST

START_TEST(cells)
{
	char *c[AUDIT_NCOLS];

	ck_assert_int_eq(run("modify", ROLE_USER, "rbacPermission:= b|rbacPermission:= c",
			     "rbacPermission: a"),
			 0);
	ck_assert_int_eq(audit_cells(&ev.v[0], c), 0);
	ck_assert_str_eq(audit_columns[0], "time");
	ck_assert_str_eq(c[0], "2026-12-05T02:51:17Z");
	ck_assert_str_eq(c[1], "ROLE_DEFINITION_CHANGED");
	ck_assert_str_eq(c[2], ADMIN);
	ck_assert_str_eq(c[3], "eng");
	ck_assert_str_eq(c[4], "user");
	ck_assert_str_eq(c[5], "");
	ck_assert_str_eq(c[7], "rbacPermission");
	ck_assert_str_eq(c[8], "a");
	ck_assert_str_eq(c[9], "b c");
	audit_cells_free(c);
	ck_assert_ptr_null(c[0]);
}
END_TEST

static Suite *audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("records");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, three_members_added);
	tcase_add_test(tc, members_removed);
	tcase_add_test(tc, members_replaced);
	tcase_add_test(tc, add_then_delete_in_one_modify_is_nothing);
	tcase_add_test(tc, definition_changes);
	tcase_add_test(tc, replace_without_old_values);
	tcase_add_test(tc, case_exact_values);
	tcase_add_test(tc, role_created_and_deleted);
	tcase_add_test(tc, assignment_added_deleted_changed);
	tcase_add_test(tc, assignment_escaped_rdn);
	tcase_add_test(tc, status_changes);
	tcase_add_test(tc, validity_changes);
	tcase_add_test(tc, account_deleted);
	tcase_add_test(tc, account_uid_from_values);
	tcase_add_test(tc, master_list);
	tcase_add_test(tc, dn_forms);
	tcase_add_test(tc, unreadable_records);
	tcase_add_test(tc, expired_and_sorted);
	tcase_add_test(tc, actor_of_a_replicated_copy);
	tcase_add_test(tc, account_expired);
	tcase_add_test(tc, cells);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(audit_suite());
}
