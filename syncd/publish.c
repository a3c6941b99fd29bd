/*
 * publish.c - from the model to what readers see: the snapshot (through
 * rbac_publish, the same call rbacctl refresh makes), the proof of
 * currency in its header, and syncd.state.
 *
 * Order matters for "never a state the directory never had": a snapshot
 * is written only between refresh phases (a model in the middle of one is
 * partial), and syncd.state only after the snapshot that holds its changes
 * (a crash in between resumes from an older cookie; the server sends the
 * changes again, and applying them twice changes nothing).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "rbac_publish.h"
#include "state.h"

/* "csn;csn;..." (malloc'd; "" for an empty vector), NULL when out of
 * memory. */
static char *csn_text(const struct rbac_csn_vector *v)
{
	char *out = malloc(v->n * (RBAC_CSN_LEN + 1) + 1), *p = out;

	if (out == NULL)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < v->n; i++)
		p += sprintf(p, "%s%s", i > 0 ? ";" : "", v->csn[i].text);
	return out;
}

static void fill_options(const struct agent *a, struct rbac_snapshot_options *o,
			 struct rbac_snapshot_sync *sync, const char **perms)
{
	const struct rbac_config *c = &a->cfg;

	memset(o, 0, sizeof(*o));
	o->now = time(NULL);
	o->stale_after = c->cache.stale_after;
	o->expand_inherited = c->nss.expand_inherited;
	o->gid_min = c->nss.gid_min;
	o->gid_max = c->nss.gid_max;
	o->group_format = c->nss.group_format;
	o->global_group_format = c->nss.global_group_format;
	o->n_permissions =
	    rbac_config_pam_permission_values(c, perms, RBAC_CONFIG_PAM_PERMISSIONS_MAX);
	o->permissions = perms;
	sync->source = RBAC_SNAPSHOT_SOURCE_SYNCD;
	sync->synced_at = a->synced_at;
	sync->probe_interval = (uint32_t)c->sync.probe_interval;
	sync->context_csn = a->context_csn;
	sync->server = a->server;
	o->sync = sync;
}

static void published(struct agent *a, const struct rbac_publish_result *r, double derive_ms)
{
	/* from the batch's first message to the rename, the wait for more
	 * (sync.batch_ms) left out */
	double apply_ms = a->changed_at > 0 ? (agent_now() - a->changed_at) * 1e3 -
						  (double)a->cfg.sync.batch_ms
					    : derive_ms + r->build_ms + r->write_ms;

	a->changed_at = 0;
	syncd_model_clean(a->model);
	a->published = true;
	a->published_wall = (double)time(NULL);
	a->state_due = true;
	a->said_no_namespace = false;
	rbac_log(&a->lg, LOG_DEBUG,
		 "published generation %llu: groups=%zu users=%zu accounts=%zu "
		 "(derive %.1f ms, build %.1f ms, write %.1f ms; change to rename %.1f ms)",
		 (unsigned long long)r->generation, r->groups, r->users, r->accounts, derive_ms,
		 r->build_ms, r->write_ms, apply_ms);
}

int agent_publish(struct agent *a)
{
	const char *perms[RBAC_CONFIG_PAM_PERMISSIONS_MAX];
	struct rbac_snapshot_model m;
	struct rbac_snapshot_options o;
	struct rbac_snapshot_sync sync;
	struct rbac_publish_result r;
	char err[RBAC_ERRLEN + 4096];
	double t0 = agent_now(), derive_ms;
	int rc;

	a->publish_at = 0;
	rc = syncd_model_derive(a->model, &m);
	derive_ms = (agent_now() - t0) * 1e3;
	if (rc == SYNCD_MODEL_NO_NAMESPACE) {
		agent_state(a, LOG_ERR,
			    "namespace \"%s\" is not in the directory: not published",
			    a->cfg.namespace_name);
		return -1;
	}
	if (rc != SYNCD_MODEL_OK) {
		agent_state(a, LOG_ERR, "out of memory deriving the snapshot");
		return -1;
	}
	fill_options(a, &o, &sync, perms);
	sync.applied_csn = csn_text(&a->applied);
	rc = rbac_publish(a->cache_dir, a->lock_fd, &m, &o, (int)a->cfg.cache.previous_versions,
			  &a->lg, &r, err, sizeof(err));
	free((char *)sync.applied_csn);
	if (rc != 0) {
		agent_state(a, LOG_ERR, "snapshot not published: %s", err);
		/* a full disk or a lost race may pass: try again without
		 * waiting for the next change */
		a->publish_at = agent_now() + SYNCD_PUBLISH_RETRY;
		return -1;
	}
	published(a, &r, derive_ms);
	return 0;
}

void agent_changed(struct agent *a)
{
	if (a->refreshing || a->publish_at > 0 || !syncd_model_dirty(a->model))
		return;
	a->changed_at = agent_now();
	a->publish_at = a->changed_at + (double)a->cfg.sync.batch_ms / 1e3;
}

void agent_save_state(struct agent *a)
{
	struct rbac_bytes cookie = {(const char *)a->cookie, a->cookie_len};
	char err[RBAC_ERRLEN + 4096];

	/* mid-refresh the model is partial; without a cookie there is nothing
	 * to resume from */
	if (a->refreshing || a->cookie == NULL)
		return;
	a->state_saved_at = agent_now();
	if (syncd_state_save(a->state_path, a->model, &cookie, &a->cfg, err, sizeof(err)) !=
	    0) {
		agent_state(a, LOG_ERR, "%s", err);
		return;
	}
	a->state_due = false;
	rbac_log(&a->lg, LOG_DEBUG, "saved %s: %zu entries in %.1f ms", a->state_path,
		 syncd_model_count(a->model), (agent_now() - a->state_saved_at) * 1e3);
}

void agent_timers(struct agent *a)
{
	double now = agent_now();

	if (a->refreshing)
		return;
	if (a->publish_at > 0 && now >= a->publish_at)
		(void)agent_publish(a);
	else if (a->published &&
		 (double)time(NULL) - a->published_wall > (double)a->cfg.cache.stale_after / 2)
		(void)agent_publish(a); /* readers ignore a snapshot older than stale_after */
	if (a->state_due && a->publish_at == 0 &&
	    now - a->state_saved_at >= SYNCD_STATE_SAVE_INTERVAL)
		agent_save_state(a);
}

/* The proof goes into the files in place only when they hold everything
 * applied; with a batch waiting, it goes with that batch's publish. */
static void prove(struct agent *a)
{
	char err[RBAC_ERRLEN + 4096];

	if (!a->published || a->publish_at > 0 || syncd_model_dirty(a->model))
		return;
	if (rbac_publish_proof(a->cache_dir, a->synced_at, err, sizeof(err)) != 0)
		agent_state(a, LOG_ERR, "proof of currency not written: %s", err);
}

void agent_applied_moved(struct agent *a)
{
	if (!a->probe_waits || a->refreshing || !rbac_csn_vector_covers(&a->applied, &a->probe))
		return;
	a->probe_waits = false;
	a->synced_at = a->probe_sent_wall;
	prove(a);
}

void agent_probe_answer(struct agent *a, int64_t sent, struct rbac_csn_vector *v)
{
	char *text;

	/* No contextCSN: nothing to compare with, so nothing is proven (an
	 * empty vector would be "covered" by any). */
	if (v->n == 0) {
		agent_state(a, LOG_WARNING, "%s has no contextCSN: currency cannot be proven",
			    a->suffix);
		return;
	}
	text = csn_text(v);

	if (text != NULL) {
		free(a->context_csn);
		a->context_csn = text;
	}
	rbac_csn_vector_free(&a->probe);
	a->probe = *v;
	v->n = 0;
	v->csn = NULL;
	a->probe_sent_wall = sent;
	a->probe_waits = true;
	agent_applied_moved(a);
}
