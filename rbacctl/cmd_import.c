/*
 * cmd_import.c - `rbacctl import FILE.csv [--dry-run] [--namespace NS]`:
 * validates every row of the bulk file against the directory as read for
 * the other read commands, and prints the LDIF that applies it (to review,
 * or to feed to ldapmodify as the administrator). Writing it itself
 * (--apply, all or nothing) comes with the guarded write layer (#14).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"
#include "rbacctl.h"

/* A bulk file larger than this is not a list of users. */
#define IMPORT_MAX_BYTES (64u << 20)

struct import_dir {
	const struct ctl_view *v;
	char canon[ROLE_REF_BUFSZ];
};

static const char *dir_role_dn(void *data, const char *ref, const char **canon)
{
	struct import_dir *d = data;
	const struct rbac_namespace *ns;
	const struct rbac_role *r = view_lookup_role(d->v, ref, &ns);

	if (r == NULL)
		return NULL;
	*canon = role_ref(ns, r, d->canon, sizeof(d->canon));
	return r->dn;
}

static int dir_holds(void *data, const char *canon, const char *uid)
{
	struct import_dir *d = data;
	const struct rbac_namespace *ns;
	const struct rbac_role *r = view_lookup_role(d->v, canon, &ns);

	return r != NULL && rbac_strlist_contains(&r->members, uid);
}

static const char *dir_account_dn(void *data, const char *uid)
{
	struct import_dir *d = data;
	size_t count;
	const struct rbac_account *a = view_account(d->v, uid, &count);

	return a != NULL ? a->dn : NULL;
}

static char *read_all(const struct rbacctl *ctl, const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (fp == NULL) {
		ctl_error(ctl, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - *len < 65536) {
			char *nb =
			    cap + 65536 > IMPORT_MAX_BYTES ? NULL : realloc(buf, cap + 65536);
			if (nb == NULL) {
				ctl_error(ctl, "%s: larger than %u MiB, or out of memory", path,
					  IMPORT_MAX_BYTES >> 20);
				goto fail;
			}
			buf = nb;
			cap += 65536;
		}
		size_t n = fread(buf + *len, 1, cap - *len, fp);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		ctl_error(ctl, "%s: cannot read", path);
		goto fail;
	}
	fclose(fp);
	return buf;
fail:
	fclose(fp);
	free(buf);
	return NULL;
}

static int parse_import_args(struct rbacctl *ctl, int argc, char **argv, const char **file,
			     const char **ns)
{
	bool dry_run = false;
	const struct ctl_option options[] = {
	    {"dry-run", 'N', NULL, &dry_run},
	    {"namespace", 'n', ns, NULL},
	    {NULL, 0, NULL, NULL},
	};
	struct ctl_args a = {
	    .options = options,
	    .help = "  prints the LDIF that applies FILE (nothing is written); every row is\n"
		    "  checked first, and any error (FILE:LINE:COLUMN) prints no LDIF\n"
		    "  -N, --dry-run        the default: print, write nothing\n"
		    "  -n, --namespace NS   the namespace of a Role without NS/\n",
	};
	int rc = ctl_parse_args(ctl, argc, argv, &a);

	if (rc != EXIT_OK)
		return rc;
	if (ctl->json)
		return ctl_usage(ctl, "import: no --json output");
	if (a.operand + 1 != argc)
		return ctl_usage(ctl, "import: exactly one FILE.csv expected");
	*file = argv[a.operand];
	return EXIT_OK;
}

static int import_run(struct rbacctl *ctl, const struct ctl_view *v, const char *path,
		      const char *data, size_t len)
{
	struct import_dir d = {.v = v};
	const struct imp_dir dir = {&d, dir_role_dn, dir_holds, dir_account_dn};
	struct imp_file f;
	int rc = imp_parse(&f, path, data, len, &dir);

	imp_print_msgs(&f, f.warnings, f.n_warnings, "warning: ", stderr);
	if (rc < 0) {
		ctl_error(ctl, "out of memory");
	} else if (rc > 0) {
		imp_print_msgs(&f, f.errors, f.n_errors, "", stderr);
		ctl_error(ctl, "%s: %zu error%s: nothing to apply", path, f.n_errors,
			  f.n_errors == 1 ? "" : "s");
	} else {
		long n = imp_write_ldif(&f, ctl->cfg.ldap.user_base, stdout);
		rc = n < 0 || fflush(stdout) != 0 ? -1 : 0;
		if (rc == 0)
			fprintf(stderr, "%s: %zu row%s, %ld change%s (not applied)\n", path,
				f.n_rows, f.n_rows == 1 ? "" : "s", n, n == 1 ? "" : "s");
		else
			ctl_error(ctl, "cannot write the output");
	}
	imp_file_free(&f);
	return rc == 0 ? EXIT_OK : EXIT_ERROR;
}

int cmd_import(struct rbacctl *ctl, int argc, char **argv)
{
	const char *file = NULL, *ns = NULL;
	struct ctl_view v = {0};
	size_t len;
	char *data;
	int rc = parse_import_args(ctl, argc, argv, &file, &ns);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	if ((data = read_all(ctl, file, &len)) == NULL)
		return EXIT_ERROR;
	rc = ctl_config(ctl, ns);
	if (rc == EXIT_OK)
		rc = ctl_view_load(ctl, &v, true, NULL);
	if (rc == EXIT_OK)
		rc = import_run(ctl, &v, file, data, len);
	ctl_view_free(&v);
	free(data);
	return rc;
}
