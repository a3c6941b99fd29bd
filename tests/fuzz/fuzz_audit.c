/*
 * fuzz_audit.c - libFuzzer target: accesslog records to rbacctl audit's
 * events (rbacctl/audit.c) on arbitrary bytes, with the layout of the
 * example directory (ldap.base ou=rbac,dc=example,dc=org, ldap.user_base
 * ou=people,dc=example,dc=org).
 *
 * Input: lines. The first is reqStart, the second reqType, the third reqDN;
 * every further line is a reqMod value ("M" then the value, e.g.
 * "MmemberUid:+ dave") or a reqOld value ("O" then the value).
 *
 * Checked on every input: a record is read (0) or refused as unreadable
 * (1), never anything else; every event has its stamp, its DN and a known
 * kind; a grant names who was granted in "after", a revocation in
 * "before"; a definition, master-list, status or validity event changed
 * something; every event turns into its cells; the events sort by stamp.
 * The third line is also tried as an ended assignment's DN.
 *
 *   make fuzz FUZZ_TARGETS=fuzz_audit       (see tests/fuzz/local.mk)
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct audit_layout lay = {"ou=rbac,dc=example,dc=org",
					"ou=people,dc=example,dc=org"};

#define MAX_VALUES 64

static void check_event(const struct audit_event *e)
{
	char *cells[AUDIT_NCOLS];

	if (e->stamp == NULL || e->dn == NULL || strcmp(audit_kind_name(e->kind), "?") == 0)
		abort();
	if (e->kind == AUDIT_ROLE_GRANTED && e->user != NULL &&
	    (e->after.n != 1 || strcmp(e->after.v[0], e->user) != 0))
		abort();
	if (e->kind == AUDIT_ROLE_REVOKED && e->user != NULL &&
	    (e->before.n != 1 || strcmp(e->before.v[0], e->user) != 0))
		abort();
	if ((e->kind == AUDIT_ROLE_DEFINITION_CHANGED || e->kind == AUDIT_MASTER_LIST_CHANGED ||
	     e->kind == AUDIT_ACCOUNT_STATUS_CHANGED ||
	     e->kind == AUDIT_ACCOUNT_VALIDITY_CHANGED ||
	     e->kind == AUDIT_ASSIGNMENT_CHANGED) &&
	    e->before.n + e->after.n == 0)
		abort();
	if (audit_cells(e, cells) != 0)
		abort();
	audit_cells_free(cells);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *save = NULL;
	const char *head[3] = {NULL, NULL, NULL};
	const char *mods[MAX_VALUES], *old[MAX_VALUES];
	size_t n_head = 0, n_mods = 0, n_old = 0;
	struct audit_events ev = {0};
	int rc;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (n_head < 3)
			head[n_head++] = line;
		else if (line[0] == 'M' && n_mods < MAX_VALUES)
			mods[n_mods++] = line + 1;
		else if (line[0] == 'O' && n_old < MAX_VALUES)
			old[n_old++] = line + 1;
	}
	struct audit_record r = {
	    head[0], head[1], "cn=admin,dc=example,dc=org", head[2], mods, n_mods, old, n_old};
	rc = audit_record_events(&lay, &r, &ev);
	if (rc != 0 && rc != 1)
		abort();
	if (rc == 1 && ev.n != 0)
		abort();
	if (head[2] != NULL &&
	    audit_expired_event(&lay, head[2], NULL, NULL, head[0], NULL, &ev) < 0)
		abort();
	for (size_t i = 0; i < ev.n; i++)
		check_event(&ev.v[i]);
	audit_events_sort(&ev);
	for (size_t i = 1; i < ev.n; i++)
		if (strcmp(ev.v[i - 1].stamp, ev.v[i].stamp) > 0)
			abort();
	audit_events_free(&ev);
	free(text);
	return 0;
}
