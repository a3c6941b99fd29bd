/*
 * fuzz_entry.c - libFuzzer target: directory entries, their attribute values
 * as any server could return them, into the model (common/rbac_entry.c),
 * then resolved and decided on as pam_rbac would.
 *
 * Input: records [attribute index][length][length bytes of value]; index
 * 255 ends an entry (at most 8 entries, 32 values each). Each entry is read
 * as an rbacAccount for "alice" and as an rbacRole of one namespace, once
 * with every memberUid and once with alice's only. Checked: gidNumber is
 * accepted exactly when it is 1 to 10 digits worth at most 2^32-1, with
 * that value; alice's view holds no other member; an absent status is
 * active and the lock is its value's presence; the resolved namespace and
 * rbac_decide() give a reason that never grants a held role to an account
 * that is not active, locked, or outside a readable window.
 *
 *   make fuzz FUZZ_TARGETS=fuzz_entry        (see tests/fuzz/local.mk)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_decision.h"
#include "rbac_entry.h"
#include "snapshot_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"uid",
				    "rbacAccountStatus",
				    "rbacValidFrom",
				    "rbacValidUntil",
				    "rbacStatusReason",
				    "pwdAccountLockedTime",
				    "rbacPermission",
				    "rbacRestriction",
				    "rbacInherits",
				    "memberUid",
				    "gidNumber",
				    "cn"};
#define N_NAMES	   (sizeof(names) / sizeof(names[0]))
#define ENTRIES	   8
#define VALUES_MAX 32

struct fz_entry {
	struct rbac_bytes v[N_NAMES][VALUES_MAX];
	struct rbac_entry_attr attrs[N_NAMES];
	struct rbac_entry e;
	char dn[32];
};

static const struct rbac_logger quiet = {NULL, NULL, false};

/* Splits data into entries; returns how many. Values point into data. */
static size_t parse(const uint8_t *data, size_t size, struct fz_entry *ents)
{
	size_t n = 0, pos = 0;

	memset(ents, 0, sizeof(*ents));
	while (pos < size && n < ENTRIES) {
		struct fz_entry *f = &ents[n];
		uint8_t idx = data[pos++];
		size_t len;

		if (idx == 255 || pos >= size) {
			n++;
			if (n < ENTRIES)
				memset(&ents[n], 0, sizeof(ents[n]));
			continue;
		}
		len = data[pos++];
		if (len > size - pos)
			len = size - pos;
		idx %= N_NAMES;
		if (f->attrs[idx].n < VALUES_MAX) {
			f->v[idx][f->attrs[idx].n].p = (const char *)data + pos;
			f->v[idx][f->attrs[idx].n].len = len;
			f->attrs[idx].n++;
		}
		pos += len;
	}
	return n < ENTRIES ? n + 1 : n;
}

static void finish(struct fz_entry *f, size_t i)
{
	for (size_t a = 0; a < N_NAMES; a++) {
		f->attrs[a].name = names[a];
		f->attrs[a].v = f->v[a];
	}
	snprintf(f->dn, sizeof(f->dn), "cn=r%zu,cn=ns,o=fuzz", i);
	f->e.dn = f->dn;
	f->e.attrs = f->attrs;
	f->e.n_attrs = N_NAMES;
}

/* An independent reading of gidNumber. */
static void check_gid(const struct rbac_bytes *b)
{
	unsigned long gid = 0, want = 0;
	bool ok = b->len >= 1 && b->len <= 10;

	for (size_t i = 0; ok && i < b->len; i++) {
		ok = b->p[i] >= '0' && b->p[i] <= '9';
		want = want * 10 + (unsigned long)(b->p[i] - '0');
	}
	ok = ok && want <= 4294967295UL;
	FUZZ_CHECK(rbac_entry_parse_gid(b, &gid) == ok);
	FUZZ_CHECK(!ok || gid == want);
}

static void check_account(const struct rbac_entry *e, struct rbac_account *a)
{
	rbac_account_init(a);
	FUZZ_CHECK(rbac_entry_account(e, "alice", a) == 0);
	FUZZ_CHECK(a->locked == (a->locked_raw != NULL));
	FUZZ_CHECK(a->status_raw != NULL || a->status == RBAC_STATUS_ACTIVE);
	FUZZ_CHECK(a->status >= RBAC_STATUS_ACTIVE && a->status <= RBAC_STATUS_INVALID);
	FUZZ_CHECK(!a->valid_from.valid || a->valid_from.present);
	FUZZ_CHECK(!a->valid_until.valid || a->valid_until.present);
}

/* Role i is "r<i>", so rbacInherits values such as "r1" find each other. */
static void add_role(struct rbac_namespace *ns, const struct fz_entry *f, size_t i,
		     const char *only)
{
	char name[16];
	struct rbac_role *r;

	snprintf(name, sizeof(name), "r%zu", i);
	r = rbac_namespace_add_role(ns, name, f->dn);
	FUZZ_CHECK(r != NULL);
	FUZZ_CHECK(rbac_entry_role(&f->e, only, &quiet, r) == 0);
	for (size_t k = 0; only != NULL && k < r->members.n; k++)
		FUZZ_CHECK(strcmp(r->members.v[k], only) == 0);
	FUZZ_CHECK(!r->has_gid || r->gid <= 4294967295UL);
}

static void decide(const struct rbac_namespace *ns, const struct rbac_account *a)
{
	struct rbac_decision_input in;
	struct rbac_decision d;

	memset(&in, 0, sizeof(in));
	in.ns = ns;
	in.account = a;
	in.permission = "host.login";
	in.now = 1796083200; /* 2026-12-01 */
	rbac_decide(&in, &d);
	FUZZ_CHECK(rbac_reason_name(d.reason) != NULL);
	if (d.reason == RBAC_REASON_GRANTED)
		FUZZ_CHECK(a->status == RBAC_STATUS_ACTIVE && !a->locked &&
			   (!a->valid_from.present || a->valid_from.valid) &&
			   (!a->valid_until.present || a->valid_until.valid));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_entry ents[ENTRIES];
	struct rbac_namespace all, mine;
	struct rbac_account a;
	size_t n = parse(data, size, ents);

	rbac_namespace_init(&all);
	rbac_namespace_init(&mine);
	mine.name = strdup("ns");
	mine.dn = strdup("cn=ns,o=fuzz");
	FUZZ_CHECK(mine.name != NULL && mine.dn != NULL);
	for (size_t i = 0; i < n; i++) {
		finish(&ents[i], i);
		for (size_t j = 0; j < ents[i].attrs[10].n; j++)
			check_gid(&ents[i].v[10][j]);
		add_role(&all, &ents[i], i, NULL);
		add_role(&mine, &ents[i], i, "alice");
	}
	FUZZ_CHECK(rbac_namespace_resolve(&all, &quiet) >= 0);
	FUZZ_CHECK(rbac_namespace_resolve(&mine, &quiet) >= 0);
	check_account(&ents[0].e, &a);
	decide(&mine, &a);
	rbac_account_free(&a);
	rbac_namespace_free(&all);
	rbac_namespace_free(&mine);
	return 0;
}
