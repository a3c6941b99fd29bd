/*
 * model.h - rbac-syncd's in-memory copy of the directory, fed by RFC 4533
 * messages, and the snapshot writer's input derived from it.
 *
 * Entries are keyed by entryUUID. Each keeps what rbacctl refresh would
 * read of it (the values of syncd_model_attrs, copied) and its place in the
 * layout of DESIGN.md section 3, found from its DN against ldap.base and
 * ldap.user_base:
 *   namespace   rbacNamespace directly below ldap.base
 *   role        rbacRole directly below a namespace
 *   assignment  rbacAssignment directly below a role (derived onto it)
 *   account     rbacAccount anywhere under ldap.user_base (also any of the
 *               above: rbacAccount is auxiliary)
 * Roles and assignments point at their parent by entryUUID, not by DN, so a
 * rename or move of a namespace, which slapd sends as one message for that
 * entry alone, carries its roles with it. A child whose parent is not (or
 * no longer) in the model is kept, inactive, until that parent arrives.
 *
 * DNs are compared as rbac_ldap.c compares them: parsed with ldap_str2dn
 * (escaping and the spaces around ',' '+' '=' do not matter), then RDN by
 * RDN, attribute types and values ignoring ASCII case (the naming
 * attributes of the layout, cn, ou, dc, o, uid, all match case-
 * insensitively). Values of other attributes with other matching rules,
 * and Unicode case folding, are not supported.
 *
 * Pure: no connection, no I/O but the log. One thread at a time.
 */
#ifndef SYNCD_MODEL_H
#define SYNCD_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbac_config.h"
#include "rbac_entry.h"
#include "rbac_log.h"
#include "rbac_snapshot_write.h"
#include "rbac_sync_proto.h"

/* What the sync search must ask for: the model reads these attributes of
 * each entry (NULL-terminated; the agent may ask for more, e.g. entryCSN,
 * which the model ignores), and entries of these classes. Both are part of
 * syncd.state's configuration fingerprint. */
extern const char *const syncd_model_attrs[];
#define SYNCD_MODEL_FILTER                                                                     \
	"(|(objectClass=rbacNamespace)(objectClass=rbacRole)(objectClass=rbacAssignment)"      \
	"(objectClass=rbacAccount))"

/* Results of the calls below. */
enum syncd_model_result {
	SYNCD_MODEL_OK = 0,
	SYNCD_MODEL_ENOMEM = -1,
	SYNCD_MODEL_EINVAL = -2, /* add/modify without an entry or DN */
	/* A present (state, or syncIdSet without refreshDeletes) names a UUID
	 * the model does not hold: model and cookie disagree (logged). The
	 * agent should drop its cookie and do a full refresh. */
	SYNCD_MODEL_UNKNOWN = 1,
	/* derive: the host's namespace (cn=NAMESPACE,ldap.base, an
	 * rbacNamespace) is not in the model, as rbacctl refresh fails with
	 * "namespace not found" (logged); publish nothing. */
	SYNCD_MODEL_NO_NAMESPACE = 2,
};

struct syncd_model;

/* Takes ldap.base, ldap.user_base, namespace and global_namespace from cfg
 * (copied; cfg may go away). lg must outlive the model. NULL when out of
 * memory or ldap.base/user_base is not a DN (logged). */
struct syncd_model *syncd_model_new(const struct rbac_config *cfg,
				    const struct rbac_logger *lg);
void syncd_model_free(struct syncd_model *m);
/* Forgets every entry (a state file that could not be loaded). */
void syncd_model_reset(struct syncd_model *m);

/* A new refresh phase begins (a search was sent). with_cookie false: the
 * server will send every entry, so anything it does not send is gone;
 * syncd_model_refresh_done() then deletes it. */
void syncd_model_refresh_begin(struct syncd_model *m, bool with_cookie);

/* One Sync State message. add/modify need dn and e (its attribute values;
 * e->dn is ignored in favour of dn); they replace what the model held for
 * uuid, reclassify it and mark it seen in this refresh. delete removes
 * uuid (dn and e may be NULL; an unknown uuid is not an error). present
 * marks uuid seen in this refresh; an unknown uuid is awaited (see
 * syncd_model_refresh_done). Returns enum syncd_model_result. */
int syncd_model_apply(struct syncd_model *m, enum rbac_sync_state_kind kind,
		      const struct rbac_sync_uuid *uuid, const char *dn,
		      const struct rbac_entry *e);

/* A syncIdSet: with refreshDeletes, delete each uuid; without, mark each
 * present (an unknown one is awaited). Returns enum syncd_model_result. */
int syncd_model_idset(struct syncd_model *m, const struct rbac_sync_uuid *uuids, size_t n,
		      bool deletes);

/* The end of a present phase (syncInfo refreshPresent): every entry that
 * was neither sent nor named present since syncd_model_refresh_begin() is
 * deleted. */
void syncd_model_present_end(struct syncd_model *m);

/* refreshDone: the end of the refresh phase. After a refresh without a
 * cookie this is syncd_model_present_end() (slapd ends such a refresh with
 * refreshDelete, so the message does not say it). A uuid named present that
 * the model did not hold must have been sent by now (slapd names an entry
 * added since the cookie present, then sends it): UNKNOWN when one was not,
 * so state and cookie disagree (logged) and the caller starts a full
 * refresh; else OK. */
int syncd_model_refresh_done(struct syncd_model *m);

/* Something a snapshot shows (the host or global namespace, their roles,
 * any account) changed since the last syncd_model_clean(). A change to an
 * entry of another namespace, an assignment, or a message that leaves an
 * entry's values as they were, does not count. */
bool syncd_model_dirty(const struct syncd_model *m);
/* After a publish: not dirty, and what the last derive built is released
 * (the derived model is invalid from here on). */
void syncd_model_clean(struct syncd_model *m);

/* Derives the snapshot writer's input in full: the host namespace and the
 * global namespace (NULL when not configured or not in the model, logged
 * at warning like rbacctl refresh), resolved with rbac_namespace_resolve,
 * and every account, one per uid value, as rbacctl refresh reads them, so
 * that the same directory gives the same snapshot bytes. *out is valid
 * until the next syncd_model_apply/idset/present_end/refresh_done/derive,
 * syncd_model_clean or syncd_model_free. An account entry's accounts are
 * built once after each change to it and kept (a role's change costs no
 * rebuild of the accounts); the namespaces are built anew each time.
 * Returns OK, ENOMEM or NO_NAMESPACE. */
int syncd_model_derive(struct syncd_model *m, struct rbac_snapshot_model *out);

/* Entries held (for the log and the tests). */
size_t syncd_model_count(const struct syncd_model *m);

/* ---- for syncd.state (state.c) */

/* The entries in the order they came (the server's order in a full
 * refresh): fn is called with each entry's uuid, DN, parent uuid (NULL when
 * none is linked) and values (of objectClass only the four classes above).
 * Stops at the first non-zero return of fn and
 * returns it. */
typedef int (*syncd_model_entry_fn)(void *ctx, const struct rbac_sync_uuid *uuid,
				    const char *dn, const struct rbac_sync_uuid *parent,
				    const struct rbac_entry *e);
int syncd_model_walk(const struct syncd_model *m, syncd_model_entry_fn fn, void *ctx);

/* Re-creates an entry as syncd_model_walk() gave it, parent link included
 * (which its DN alone may no longer give: the parent may have been renamed
 * since). Returns enum syncd_model_result. */
int syncd_model_restore(struct syncd_model *m, const struct rbac_sync_uuid *uuid,
			const char *dn, const struct rbac_sync_uuid *parent,
			const struct rbac_entry *e);

#endif
