/*
 * rbac_facts.h - the facts a decision goes by, gathered in one place.
 *
 * pam_rbac, `rbacctl check` and rbacctl's views of the directory (reports,
 * lint, refresh) all need the same reads in the same order -- the host's
 * namespace, the account, the global namespace (a missing one is only a
 * warning) -- and must map each outcome the same way, or `rbacctl check`
 * would explain a decision pam_rbac does not make. This unit does those
 * reads, says in one enum what came of them, stands the offline records
 * (accounts.db) in for a directory that did not answer, and builds the
 * input of rbac_decide() from what it found.
 *
 * A caller (1) screens the request (rbac_facts_screen: the rules decided
 * without the directory), (2) for a login, lets the local state answer when
 * rbac-syncd proved it current within pam.local_max_lag (rbac_facts_local),
 * (3) reads the directory when neither did (rbac_facts_read), (4) for a
 * login only, lets accounts.db answer when no server did
 * (rbac_facts_offline), and (5) decides (rbac_facts_decide).
 * What to say about a failed read is the caller's: pam_rbac logs,
 * rbacctl prints an error naming what it could not read.
 */
#ifndef RBAC_FACTS_H
#define RBAC_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rbac_config.h"
#include "rbac_decision.h"
#include "rbac_ldap.h"
#include "rbac_log.h"
#include "rbac_model.h"
#include "rbac_snapshot.h"

/* What came of gathering, in the order of the decision table's first rules:
 * every value but ANSWERED is decided without looking at the roles. */
enum rbac_facts_outcome {
	RBAC_FACTS_UNREAD,	   /* screened in, not read yet */
	RBAC_FACTS_NOT_CONFIGURED, /* rbac.conf names no directory: nothing is read */
	RBAC_FACTS_NO_USER,	   /* rule 0: the application gave no name */
	RBAC_FACTS_EXEMPT,	   /* rule 1: pam.exempt_users; nothing is read */
	RBAC_FACTS_CONFIG_ERROR,   /* rule 2: nothing is read */
	RBAC_FACTS_DOWN,	   /* rule 3: no server answered (accounts.db may) */
	RBAC_FACTS_FAILED,	   /* rule 3: a server answered, the read failed
				    * (bind refused, malformed namespace, no memory) */
	RBAC_FACTS_NO_NAMESPACE,   /* rule 4: the host's namespace does not exist */
	RBAC_FACTS_NAME_REJECTED,  /* not a name any uid can equal: unknown_user,
				    * decided without a search */
	RBAC_FACTS_ANSWERED,	   /* ns, account and global hold the answers */
};

/* Where the answers came from. */
enum rbac_facts_source {
	RBAC_FACTS_NOWHERE,
	RBAC_FACTS_DIRECTORY,
	RBAC_FACTS_SNAPSHOT, /* accounts.db: one synthetic role (rbac_offline.h) */
	RBAC_FACTS_LOCAL,    /* accounts.db proven current (rbac_facts_local); the
			      * same synthetic role */
};

/* The read that ended the gathering with DOWN, FAILED or NO_NAMESPACE. */
enum rbac_facts_read {
	RBAC_FACTS_READ_NONE,
	RBAC_FACTS_READ_NAMESPACE,
	RBAC_FACTS_READ_ACCOUNT,
	RBAC_FACTS_READ_GLOBAL,
	RBAC_FACTS_READ_ACCOUNTS,
};

enum rbac_facts_account {
	RBAC_FACTS_ACCOUNT_UNREAD, /* not asked for, or not reached */
	RBAC_FACTS_ACCOUNT_FOUND,
	RBAC_FACTS_ACCOUNT_NONE,      /* no rbacAccount has the uid */
	RBAC_FACTS_ACCOUNT_AMBIGUOUS, /* two entries claim it: invalid_entry */
};

/* How many roles of a namespace a read brings. A login needs only the
 * roles its user holds and those they inherit (rbac_dir_load_member: the
 * namespace and the account in one round trip, a few indexed searches
 * however many roles the directory holds), which keeps pam_rbac fast and
 * its count of searches fixed. rbacctl explains a decision role by role or
 * reviews the whole directory, so it reads every role. Both answer the
 * same question the same way: roles the user does not hold never change
 * a decision. */
enum rbac_facts_roles {
	RBAC_FACTS_MEMBER_ROLES,
	RBAC_FACTS_ALL_ROLES,
};

struct rbac_facts_request {
	const struct rbac_config *cfg;
	const struct rbac_logger *lg; /* the offline step logs here */
	/* The account to read; NULL reads none and the global namespace
	 * always (a view of the directory). With a user, the global namespace
	 * is read only once the account is found: nothing else is decided by
	 * the roles. */
	const char *user;
	enum rbac_facts_roles roles;
	bool all_accounts; /* also every rbacAccount (reports, lint, refresh) */
	/* Called when the configured global namespace does not exist, at the
	 * moment it is found missing; the gathering goes on without it. */
	void (*global_missing)(void *ctx, const char *name);
	void *ctx;
};

struct rbac_facts {
	enum rbac_facts_outcome outcome;
	enum rbac_facts_source source;
	enum rbac_facts_read failed;	    /* see enum rbac_facts_read */
	enum rbac_dir_result failed_result; /* what that read returned */
	enum rbac_facts_account account_state;
	bool has_global; /* configured and found */
	struct rbac_namespace ns, global;
	struct rbac_account account;
	struct rbac_account *accounts; /* all_accounts: rbac_dir_load_accounts */
	size_t n_accounts;
	long long local_lag; /* LOCAL: seconds from the agent's proof to now */
};

void rbac_facts_init(struct rbac_facts *f);
void rbac_facts_free(struct rbac_facts *f);

/* The rules that need no directory, in the table's order: a config that
 * is not configured (config, what rbac_config_load() said), no user name,
 * exempt, broken config (config RBAC_CONFIG_INVALID), a name no uid can
 * equal (rbac_user_name_valid, RBAC_USER_NAME_LOGIN). Returns true when the
 * directory must be read; the outcome is then UNREAD. */
bool rbac_facts_screen(struct rbac_facts *f, const struct rbac_config *cfg, const char *user,
		       enum rbac_config_result config);

/* The reads, in the order of rq: the host namespace (with the account when
 * rq->user is set), the global namespace, every account. Stops at the
 * first read that fails. dir NULL (no memory for a handle) is FAILED.
 * The mapping, the same for every caller: UNAVAILABLE is DOWN; ERROR is
 * FAILED, except for the account, where it means two entries claim the uid
 * (the directory layer logged both DNs); NOT_FOUND is NO_NAMESPACE for
 * the host namespace, no account for the account, a call of
 * global_missing for the global namespace, and FAILED for the accounts. */
void rbac_facts_read(struct rbac_facts *f, const struct rbac_facts_request *rq,
		     struct rbac_dir *dir);

/* pam_rbac's offline mode (pam_rbac(8), "Offline mode"): when no server
 * answered (DOWN) and pam.offline_max_age allows it, the snapshot at path
 * answers for rq->user and permission instead, if it is of this host's
 * namespace, not too old, not dated after now, and records grants of
 * permission. Every refusal is logged at warning level and leaves the
 * outcome DOWN (a snapshot that was usable but records no grants of
 * permission also drops what the directory had answered before failing);
 * an answer makes the facts ANSWERED from the SNAPSHOT. Never for rbacctl,
 * which reports the directory as it is. */
void rbac_facts_offline(struct rbac_facts *f, const struct rbac_facts_request *rq,
			const char *path, const char *permission);
/* The same with the snapshot already open (the policy, for the tests);
 * path only names it in the log. */
void rbac_facts_offline_from(struct rbac_facts *f, const struct rbac_facts_request *rq,
			     const struct rbac_snapshot *snap, const char *path,
			     const char *permission, time_t now);

/* The accounts snapshot pam_rbac decides from (the local state, and the
 * offline mode) and `rbacctl check` reads: in the cache directory fixed at
 * build time, which no option or environment variable moves. */
#define RBAC_FACTS_ACCOUNTS_PATH RBAC_CACHE_DIR "/" RBAC_SNAPSHOT_ACCOUNTS_FILE

/* Why the local state answered or not (rbac_facts_local). Every value but
 * ANSWERED leaves the question to the directory. */
enum rbac_local_why {
	RBAC_LOCAL_ANSWERED,
	RBAC_LOCAL_OFF,		    /* pam.local_max_lag is 0 */
	RBAC_LOCAL_REFUSED,	    /* missing, owner or mode, a failed check, stale */
	RBAC_LOCAL_OTHER_NAMESPACE, /* a snapshot of another namespace */
	RBAC_LOCAL_NOT_PROVEN,	    /* never proven (rbacctl refresh) or being proven */
	RBAC_LOCAL_FUTURE,	    /* proven at a time after now: the clock went back */
	RBAC_LOCAL_LAGGING,	    /* proven longer ago than pam.local_max_lag */
	RBAC_LOCAL_UNKNOWN_USER,    /* no record: maybe an account made since */
	RBAC_LOCAL_NOT_RECORDED,    /* the permission's grants are not stored */
	RBAC_LOCAL_DAMAGED,	    /* a record on the way to the user fails its check */
	RBAC_LOCAL_NOMEM,
};

struct rbac_facts_local {
	enum rbac_local_why why;
	long long lag;		      /* now - synced_at once the proof was read, else 0 */
	char text[RBAC_ERRLEN + 160]; /* the reason in words, naming the file */
};

/* The local state: when the request was screened in (UNREAD), rq->cfg sets
 * pam.local_max_lag, and the accounts snapshot at path is root-owned and
 * readable by root alone, passes the reader's checks, is of this host's
 * namespace, was proven current by the sync agent at most local_max_lag
 * seconds before now and not after it, records the grants of permission
 * and holds rq->user, the facts become ANSWERED from LOCAL with
 * f->local_lag set. Otherwise they stay UNREAD for the directory. out says
 * which; nothing is logged (the caller decides how loud each reason is).
 * Takes no lock and keeps nothing open: safe in a forked or setuid caller,
 * whatever state a crashed agent left (rbac_facts_local_kept keeps the
 * file mapped, for a caller that decides again and again). */
bool rbac_facts_local(struct rbac_facts *f, const struct rbac_facts_request *rq,
		      const char *path, const char *permission, time_t now,
		      struct rbac_facts_local *out);
/* The same with the file kept by the caller between calls of one process
 * (*sf: zeroed with fd -1, or left by an earlier call): it is used again
 * while rbac_snapshot_changed() finds it the same unchanged file and it is
 * not stale, and otherwise opened again with every check. The caller
 * closes it (rbac_snapshot_close). */
bool rbac_facts_local_kept(struct rbac_facts *f, const struct rbac_facts_request *rq,
			   struct rbac_snapshot_file *sf, const char *path,
			   const char *permission, time_t now, struct rbac_facts_local *out);
/* The same with the snapshot already open (for the tests); path only names
 * it in out->text. */
bool rbac_facts_local_from(struct rbac_facts *f, const struct rbac_facts_request *rq,
			   const struct rbac_snapshot *snap, const char *path,
			   const char *permission, time_t now, struct rbac_facts_local *out);

/* The account found (from either source), or NULL: none, two, or not read. */
const struct rbac_account *rbac_facts_account(const struct rbac_facts *f);

/* The input of rbac_decide() for one account among namespaces already
 * read (rbacctl report reads every account at once): what
 * rbac_facts_decision_input() gives for the facts of that account read
 * alone. ambiguous: two entries claim its uid. */
void rbac_facts_account_input(const struct rbac_namespace *ns,
			      const struct rbac_namespace *global,
			      const struct rbac_account *account, bool ambiguous,
			      const struct rbac_config *cfg, const char *permission, time_t now,
			      struct rbac_decision_input *in);
/* The input of rbac_decide() for these facts (directory answers). */
void rbac_facts_decision_input(const struct rbac_facts *f, const struct rbac_config *cfg,
			       const char *permission, time_t now,
			       struct rbac_decision_input *in);
/* The decision on these facts, from whichever source answered. */
void rbac_facts_decide(const struct rbac_facts *f, const struct rbac_config *cfg,
		       const char *permission, time_t now, struct rbac_decision *d);

#endif
