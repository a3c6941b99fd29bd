/*
 * syncd_fixture.c - see syncd_fixture.h.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixture.h"
#include "syncd_fixture.h"

static struct rbac_entry_attr *attr_slot(struct sfx_entry *t, const char *name)
{
	for (size_t i = 0; i < t->e.n_attrs; i++)
		if (strcasecmp(t->attrs[i].name, name) == 0)
			return &t->attrs[i];
	ck_assert_uint_lt(t->e.n_attrs, SFX_ATTRS_MAX);
	return &t->attrs[t->e.n_attrs++];
}

/* Values are kept grouped by attribute: the spec's pairs are sorted first
 * by where their attribute first appears. */
void sfx_entry(struct sfx_entry *t, const char *dn, const char *spec)
{
	char *words[SFX_VALUES_MAX], *save = NULL, *w;
	size_t n = 0, used = 0;

	memset(t, 0, sizeof(*t));
	t->e.dn = dn;
	t->e.attrs = t->attrs;
	ck_assert_uint_lt(strlen(spec), sizeof(t->buf));
	strcpy(t->buf, spec);
	for (w = strtok_r(t->buf, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
		ck_assert_uint_lt(n, SFX_VALUES_MAX);
		ck_assert_ptr_nonnull(strchr(w, '='));
		*strchr(w, '=') = '\0';
		words[n++] = w;
	}
	for (size_t i = 0; i < n; i++) {
		struct rbac_entry_attr *a = attr_slot(t, words[i]);

		if (a->name != NULL)
			continue;
		a->name = words[i];
		a->v = &t->v[used];
		for (size_t j = i; j < n; j++) {
			if (strcasecmp(words[j], words[i]) != 0)
				continue;
			t->v[used].p = words[j] + strlen(words[j]) + 1;
			t->v[used++].len = strlen(words[j] + strlen(words[j]) + 1);
			a->n++;
		}
	}
}

struct rbac_sync_uuid sfx_uuid(unsigned n)
{
	struct rbac_sync_uuid u;

	memset(&u, 0xa5, sizeof(u));
	u.b[12] = (unsigned char)(n >> 24);
	u.b[13] = (unsigned char)(n >> 16);
	u.b[14] = (unsigned char)(n >> 8);
	u.b[15] = (unsigned char)n;
	return u;
}

static void set(struct rbac_config *cfg, const char *key, const char *value)
{
	char err[RBAC_ERRLEN];

	ck_assert_msg(rbac_config_set(cfg, key, value, "test", err, sizeof(err)) == 0, "%s",
		      err);
}

void sfx_config(struct rbac_config *cfg, const char *global)
{
	rbac_config_init(cfg);
	set(cfg, "ldap.base", "ou=rbac,dc=example,dc=org");
	set(cfg, "ldap.user_base", "ou=people,dc=example,dc=org");
	set(cfg, "namespace", "eng");
	if (global != NULL)
		set(cfg, "global_namespace", global);
}

void sfx_put(struct syncd_model *m, unsigned n, const char *dn, const char *spec)
{
	struct rbac_sync_uuid u = sfx_uuid(n);
	struct sfx_entry t;

	sfx_entry(&t, dn, spec);
	ck_assert_int_eq(syncd_model_apply(m, RBAC_SYNC_MODIFY, &u, dn, &t.e), SYNCD_MODEL_OK);
}

/* ---- LDIF */

static void record_add(struct sfx_record *r, const char *attr, const char *value)
{
	r->attr = reallocarray(r->attr, r->n + 1, sizeof(char *));
	r->value = reallocarray(r->value, r->n + 1, sizeof(char *));
	ck_assert(r->attr != NULL && r->value != NULL);
	r->attr[r->n] = strdup(attr);
	r->value[r->n] = strdup(value);
	r->n++;
}

/* One "attr: value" line into the records. */
static void ldif_line(char *line, struct sfx_record **v, size_t *n, bool *open)
{
	char *colon = strchr(line, ':');
	struct sfx_record *r;

	ck_assert_msg(line[0] != ' ' && colon != NULL && colon[1] != ':', "LDIF: %s", line);
	*colon = '\0';
	if (!*open) {
		ck_assert_str_eq(line, "dn");
		*v = reallocarray(*v, *n + 1, sizeof(**v));
		ck_assert_ptr_nonnull(*v);
		memset(&(*v)[*n], 0, sizeof(**v));
		(*v)[*n].dn = strdup(colon + 2);
		(*n)++;
		*open = true;
		return;
	}
	r = &(*v)[*n - 1];
	record_add(r, line, colon + 2);
}

size_t sfx_example_ldif(struct sfx_record **out)
{
	char path[4096], line[4096];
	FILE *f;
	size_t n = 0;
	bool open = false;

	fx_source_path("etc/example/directory.ldif", path, sizeof(path));
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s", path);
	*out = NULL;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#')
			continue;
		if (line[0] == '\0') {
			open = false;
			continue;
		}
		ldif_line(line, out, &n, &open);
	}
	fclose(f);
	return n;
}

void sfx_records_free(struct sfx_record *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < r[i].n; j++) {
			free(r[i].attr[j]);
			free(r[i].value[j]);
		}
		free(r[i].attr);
		free(r[i].value);
		free(r[i].dn);
	}
	free(r);
}

static bool wanted(const char *attr, const char *const *attrs)
{
	for (size_t i = 0; attrs != NULL && attrs[i] != NULL; i++)
		if (strcasecmp(attrs[i], attr) == 0)
			return true;
	return attrs == NULL;
}

void sfx_record_entry(const struct sfx_record *r, const char *const *attrs,
		      struct rbac_entry *e, struct rbac_entry_attr *a, struct rbac_bytes *v)
{
	size_t na = 0, nv = 0;

	e->dn = r->dn;
	e->attrs = a;
	for (size_t i = 0; i < r->n; i++) {
		size_t k;

		if (!wanted(r->attr[i], attrs))
			continue;
		for (k = 0; k < na && strcasecmp(a[k].name, r->attr[i]) != 0; k++)
			;
		if (k < na)
			continue; /* collected with its first value */
		a[na].name = r->attr[i];
		a[na].v = &v[nv];
		a[na].n = 0;
		for (size_t j = i; j < r->n; j++) {
			if (strcasecmp(r->attr[j], r->attr[i]) != 0)
				continue;
			v[nv].p = r->value[j];
			v[nv++].len = strlen(r->value[j]);
			a[na].n++;
		}
		na++;
	}
	e->n_attrs = na;
}

bool sfx_record_has(const struct sfx_record *r, const char *attr, const char *value)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcasecmp(r->attr[i], attr) == 0 && strcasecmp(r->value[i], value) == 0)
			return true;
	return false;
}

/* ---- images */

void sfx_images(const struct rbac_snapshot_model *sm, struct rbac_snapshot_image *groups,
		struct rbac_snapshot_image *accounts)
{
	static const char *const perms[] = {"host.login", "host.sudo", "host.su"};
	struct rbac_snapshot_options o = {
	    .group_format = "rbac-%r",
	    .global_group_format = "rbac-global-%r",
	    .gid_min = 900000,
	    .gid_max = 999999,
	    .expand_inherited = true,
	    .stale_after = 259200,
	    .generation = 7,
	    .now = 1800000000,
	    .permissions = perms,
	    .n_permissions = 3,
	};

	ck_assert_int_eq(rbac_snapshot_build_groups(sm, &o, &fx_logger, groups), 0);
	ck_assert_int_eq(rbac_snapshot_build_accounts(sm, &o, &fx_logger, accounts), 0);
}
