/*
 * cmd_graph.c - `rbacctl graph [--namespace NS]`: the roles of the host's
 * namespace (and of the global namespace, when configured) as Graphviz
 * DOT, so that `rbacctl graph | dot -Tsvg > roles.svg` shows a reviewer
 * the hierarchy instead of LDIF (rbacctl(8), graph).
 *
 * Nothing here decides anything: the edges are rbacInherits as read, sound
 * or broken as rbac_namespace_resolve() linked them, the permissions are
 * rbac_role_explain()'s answers for the candidates `rbacctl permissions`
 * asks about, and the holders are rbac_role_holds() at now. The output is
 * sorted (namespaces as read, roles and permissions by name) so that the
 * same directory gives the same bytes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rbacctl.h"

/* ------------------------------------------------------------ DOT text */

/* s inside a DOT double-quoted string: '"' and '\' escaped, a newline as
 * \n and any other control byte as \xHH, so that no value can end the
 * string or the statement. Every backslash of s is doubled, so the
 * mapping is one-to-one: two names never become one node ID. */
static void dot_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

/* A node ID: "NS/ROLE". A namespace name has no '/' (rbac.conf(5)), so
 * the first one separates them and the IDs of two namespaces never meet. */
static void dot_id(FILE *f, const struct rbac_namespace *ns, const char *role)
{
	fputc('"', f);
	dot_text(f, ns->name);
	fputc('/', f);
	dot_text(f, role);
	fputc('"', f);
}

/* One left-justified line of a label. */
static void label_line(FILE *f, const char *prefix, const char *text, const char *suffix)
{
	dot_text(f, prefix);
	dot_text(f, text);
	dot_text(f, suffix);
	fputs("\\l", f);
}

/* ---------------------------------------------------------------- order */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sort_strlist(struct rbac_strlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

static int cmp_role_ptr(const void *a, const void *b)
{
	const struct rbac_role *x = *(const struct rbac_role *const *)a;
	const struct rbac_role *y = *(const struct rbac_role *const *)b;

	return strcmp(x->name, y->name);
}

/* ns's roles by name; NULL when out of memory (or none). */
static const struct rbac_role **sorted_roles(const struct rbac_namespace *ns)
{
	const struct rbac_role **v = calloc(ns->n_roles ? ns->n_roles : 1, sizeof(*v));

	for (size_t i = 0; v != NULL && i < ns->n_roles; i++)
		v[i] = &ns->roles[i];
	if (v != NULL && ns->n_roles > 1)
		qsort(v, ns->n_roles, sizeof(*v), cmp_role_ptr);
	return v;
}

/* ------------------------------------------------------------- a role */

/* Who holds r now, each once: memberUid, and the assignments in force
 * (those of users not also in memberUid counted in *assigned). */
static int count_holders(const struct rbac_role *r, time_t now, size_t *n, size_t *assigned)
{
	struct rbac_strlist seen = RBAC_STRLIST_INIT;
	const struct rbac_assignment *a;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < r->members.n; i++)
		if (!rbac_strlist_contains(&seen, r->members.v[i]))
			rc = rbac_strlist_add(&seen, r->members.v[i]);
	*assigned = 0;
	for (size_t i = 0; rc == 0 && i < r->n_assignments; i++) {
		const char *uid = r->assignments[i].uid;

		if (rbac_strlist_contains(&seen, uid) ||
		    rbac_role_holds(r, uid, now, &a) != RBAC_HOLD_ASSIGNED)
			continue;
		rc = rbac_strlist_add(&seen, uid);
		(*assigned)++;
	}
	*n = seen.n;
	rbac_strlist_free(&seen);
	return rc;
}

/* The role's effective permissions (granted) and what a restriction or
 * the master list cut from its walk (cut: "PERM (why)"), both sorted. A
 * pattern the master list narrows to some of its values is not a cut: the
 * values it keeps are among the granted. */
struct role_grants {
	struct rbac_strlist granted;
	struct rbac_strlist cut;
};

static int cut_line(const struct rbac_namespace *ns, const struct rbac_role *role,
		    const char *perm, const struct rbac_denial_info *e,
		    struct rbac_strlist *cut)
{
	char line[1024];

	if (e->why == RBAC_DENIAL_RESTRICTION && e->restricted_by == role)
		snprintf(line, sizeof(line), "%s (rbacRestriction)", perm);
	else if (e->why == RBAC_DENIAL_RESTRICTION)
		snprintf(line, sizeof(line), "%s (rbacRestriction of %s)", perm,
			 e->restricted_by->name);
	else if (e->why == RBAC_DENIAL_MASTER)
		snprintf(line, sizeof(line), "%s (not in the master list)", perm);
	else
		return 0;
	if (e->why == RBAC_DENIAL_MASTER && perm_is_pattern(perm))
		for (size_t m = 0; m < ns->master.n; m++)
			if (rbac_perm_match(perm, ns->master.v[m]))
				return 0;
	return rbac_strlist_add(cut, line);
}

static int role_grants_of(const struct rbac_namespace *ns, const struct rbac_role *role,
			  struct role_grants *g)
{
	struct rbac_strlist cand = RBAC_STRLIST_INIT;
	struct rbac_denial_info e;
	int rc = role_permission_candidates(ns, role, &cand);

	for (size_t i = 0; rc == 0 && i < cand.n; i++) {
		if (rbac_role_explain(ns, role, cand.v[i], &e) == RBAC_DENIAL_NONE)
			rc = rbac_strlist_add(&g->granted, cand.v[i]);
		else
			rc = cut_line(ns, role, cand.v[i], &e, &g->cut);
	}
	rbac_strlist_free(&cand);
	sort_strlist(&g->granted);
	sort_strlist(&g->cut);
	return rc;
}

static int role_node(FILE *f, const struct rbac_namespace *ns, const struct rbac_role *r,
		     time_t now)
{
	struct role_grants g = {RBAC_STRLIST_INIT, RBAC_STRLIST_INIT};
	size_t holders, assigned;
	char text[96];

	if (count_holders(r, now, &holders, &assigned) != 0 || role_grants_of(ns, r, &g) != 0) {
		rbac_strlist_free(&g.granted);
		rbac_strlist_free(&g.cut);
		return -1;
	}
	fputs("\t\t", f);
	dot_id(f, ns, r->name);
	fputs(" [label=\"", f);
	dot_text(f, r->name);
	fputs("\\n", f);
	snprintf(text, sizeof(text), "%zu holder%s", holders, holders == 1 ? "" : "s");
	if (assigned > 0)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 " (%zu by assignment)", assigned);
	label_line(f, "", text, "");
	if (r->on_cycle)
		label_line(f, "", "on an inheritance cycle", "");
	for (size_t i = 0; i < g.granted.n; i++)
		label_line(f, "+ ", g.granted.v[i], "");
	for (size_t i = 0; i < g.cut.n; i++)
		label_line(f, "- ", g.cut.v[i], "");
	fputs(r->on_cycle ? "\", color=red, fontcolor=red];\n" : "\"];\n", f);
	rbac_strlist_free(&g.granted);
	rbac_strlist_free(&g.cut);
	return 0;
}

/* ---------------------------------------------------------------- edges */

static bool is_parent(const struct rbac_namespace *ns, const struct rbac_role *r,
		      const struct rbac_role *t)
{
	for (size_t i = 0; i < r->n_parents; i++)
		if (&ns->roles[r->parents[i]] == t)
			return true;
	return false;
}

/* Role names compare ignoring case, so "Ghost" and "ghost" name one
 * missing role: its node takes the spelling that sorts first among all the
 * rbacInherits values of ns, whatever the order they were read in. */
static const char *unknown_spelling(const struct rbac_namespace *ns, const char *name)
{
	const char *best = name;

	for (size_t i = 0; i < ns->n_roles; i++)
		for (size_t k = 0; k < ns->roles[i].inherits.n; k++) {
			const char *v = ns->roles[i].inherits.v[k];

			if (strcasecmp(v, name) == 0 && strcmp(v, best) < 0)
				best = v;
		}
	return best;
}

/* The name of the node an rbacInherits value leads to. */
static const char *target_name(const struct rbac_namespace *ns, const char *value)
{
	const struct rbac_role *t = rbac_namespace_find_role(ns, value);

	return t != NULL ? t->name : unknown_spelling(ns, value);
}

/* The nodes r's rbacInherits values lead to, each once, sorted. */
static int inherited_names(const struct rbac_namespace *ns, const struct rbac_role *r,
			   struct rbac_strlist *out)
{
	for (size_t i = 0; i < r->inherits.n; i++) {
		const char *name = target_name(ns, r->inherits.v[i]);

		if (!rbac_strlist_contains(out, name) && rbac_strlist_add(out, name) != 0)
			return -1;
	}
	sort_strlist(out);
	return 0;
}

/* "A -> B": A inherits B. An edge resolve() did not link is broken: B is
 * no role of the namespace, or B is on a cycle. Both grant nothing. */
static int role_edges(FILE *f, const struct rbac_namespace *ns, const struct rbac_role *r)
{
	struct rbac_strlist names = RBAC_STRLIST_INIT;
	int rc = inherited_names(ns, r, &names);

	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		const struct rbac_role *t = rbac_namespace_find_role(ns, names.v[i]);

		fputs("\t\t", f);
		dot_id(f, ns, r->name);
		fputs(" -> ", f);
		dot_id(f, ns, names.v[i]);
		if (t == NULL)
			fputs(" [color=red, fontcolor=red, label=\"unknown role\"]", f);
		else if (!is_parent(ns, r, t))
			fputs(" [color=red, fontcolor=red, label=\"cycle\"]", f);
		fputs(";\n", f);
	}
	rbac_strlist_free(&names);
	return rc;
}

/* A node for each inherited name that is no role of ns, each once. */
static int unknown_nodes(FILE *f, const struct rbac_namespace *ns)
{
	struct rbac_strlist unknown = RBAC_STRLIST_INIT;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < ns->n_roles; i++)
		for (size_t k = 0; rc == 0 && k < ns->roles[i].inherits.n; k++) {
			const char *name = ns->roles[i].inherits.v[k];

			if (rbac_namespace_find_role(ns, name) != NULL)
				continue;
			name = unknown_spelling(ns, name);
			if (!rbac_strlist_contains(&unknown, name))
				rc = rbac_strlist_add(&unknown, name);
		}
	sort_strlist(&unknown);
	for (size_t i = 0; rc == 0 && i < unknown.n; i++) {
		fputs("\t\t", f);
		dot_id(f, ns, unknown.v[i]);
		fputs(" [label=\"", f);
		dot_text(f, unknown.v[i]);
		fputs("\\nno such role\", style=dashed, color=red, fontcolor=red];\n", f);
	}
	rbac_strlist_free(&unknown);
	return rc;
}

/* ------------------------------------------------------------ namespace */

static int namespace_label(FILE *f, const struct rbac_namespace *ns)
{
	struct rbac_strlist master = RBAC_STRLIST_INIT;

	for (size_t i = 0; i < ns->master.n; i++)
		if (rbac_strlist_add(&master, ns->master.v[i]) != 0) {
			rbac_strlist_free(&master);
			return -1;
		}
	sort_strlist(&master);
	fputs("\t\tlabel=\"namespace ", f);
	dot_text(f, ns->name);
	fputs("\\l", f);
	if (!ns->has_master)
		label_line(f, "", "no master list: grants are not limited", "");
	else
		label_line(f, "", "master list:", "");
	for (size_t i = 0; i < master.n; i++)
		label_line(f, "  ", master.v[i], "");
	fputs("\";\n", f);
	rbac_strlist_free(&master);
	return 0;
}

static int namespace_graph(FILE *f, const struct rbac_namespace *ns, time_t now)
{
	const struct rbac_role **roles = sorted_roles(ns);
	int rc = roles != NULL ? 0 : -1;

	fputs("\tsubgraph ", f);
	fputc('"', f);
	fputs("cluster_", f);
	dot_text(f, ns->name);
	fputs("\" {\n", f);
	if (rc == 0)
		rc = namespace_label(f, ns);
	for (size_t i = 0; rc == 0 && i < ns->n_roles; i++)
		rc = role_node(f, ns, roles[i], now);
	if (rc == 0)
		rc = unknown_nodes(f, ns);
	for (size_t i = 0; rc == 0 && i < ns->n_roles; i++)
		rc = role_edges(f, ns, roles[i]);
	fputs("\t}\n", f);
	free(roles);
	return rc;
}

static int write_graph(FILE *f, const struct ctl_view *v)
{
	int rc;

	fputs("// rbacctl graph: the roles of each namespace. An edge A -> B: A inherits B.\n"
	      "// A label lists the role's holders now (memberUid and assignments in force,\n"
	      "// whatever the state of their accounts),\n"
	      "// its effective permissions (+) and what an rbacRestriction or the master\n"
	      "// list removed (-). Red: a broken inheritance (a cycle, or a role that does\n"
	      "// not exist), which grants nothing. Render: rbacctl graph | dot -Tsvg\n",
	      f);
	fputs("digraph \"rbac\" {\n\tgraph [rankdir=TB, labeljust=l, fontname=\"Helvetica\"];\n"
	      "\tnode [shape=box, fontname=\"Helvetica\", fontsize=10];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=9];\n",
	      f);
	rc = namespace_graph(f, &v->ns, v->now);
	if (rc == 0 && v->has_global)
		rc = namespace_graph(f, &v->global, v->now);
	fputs("}\n", f);
	return rc;
}

int cmd_graph(struct rbacctl *ctl, int argc, char **argv)
{
	const char *ns = NULL;
	const struct ctl_option options[] = {
	    {"namespace", 'n', &ns, NULL},
	    {NULL, 0, NULL, NULL},
	};
	struct ctl_args a = {.options = options};
	struct ctl_view v = {0};
	int rc = ctl_parse_args(ctl, argc, argv, &a);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	if (a.operand != argc)
		return ctl_usage(ctl, "graph: no operand expected");
	if (ctl->json)
		return ctl_usage(ctl, "graph: writes DOT; --json is not supported");
	rc = ctl_config(ctl, ns);
	if (rc == EXIT_OK)
		rc = ctl_view_load(ctl, &v, false, NULL);
	if (rc == EXIT_OK && write_graph(stdout, &v) != 0) {
		ctl_error(ctl, "out of memory");
		rc = EXIT_ERROR;
	}
	if (rc == EXIT_OK && (ferror(stdout) || fflush(stdout) != 0)) {
		ctl_error(ctl, "cannot write the output");
		rc = EXIT_ERROR;
	}
	ctl_view_free(&v);
	return rc;
}
