# common/: included from the top-level Makefile.am

# ---- common/: the core has no dependency beyond libc, so the NSS module
# ---- and the snapshot reader can link it without libldap or libconfig.
# ---- It holds the snapshot (nss_rbac(8)) and the offline mode's conversion
# ---- of an accounts.db record into rbac_decide()'s inputs.
noinst_LTLIBRARIES += common/librbaccore.la
common_librbaccore_la_SOURCES = \
	common/rbac_log.c common/rbac_log.h \
	common/rbac_strlist.c common/rbac_strlist.h \
	common/rbac_time.c common/rbac_time.h \
	common/rbac_file_read.c \
	common/rbac_model.c common/rbac_model.h \
	common/rbac_decision.c common/rbac_decision.h \
	common/rbac_snapshot_write.c common/rbac_snapshot_write.h \
	common/rbac_publish.c common/rbac_publish.h \
	common/rbac_names.c common/rbac_names.h \
	common/rbac_offline.c common/rbac_offline.h \
	common/rbac_nscd.c common/rbac_nscd.h
common_librbaccore_la_LIBADD = common/librbacreader.la

# ---- the snapshot reader and the trusted-file check it opens with: all
# ---- that libnss_rbac.so.2 links (nss_symbols.test lists what they import).
# ---- Nothing here writes a file, logs or reaches the model.
noinst_LTLIBRARIES += common/librbacreader.la
common_librbacreader_la_SOURCES = \
	common/rbac_file.c common/rbac_file.h \
	common/rbac_snapshot.c common/rbac_snapshot.h common/rbac_snapshot_format.h

# ---- directory side: configuration (libconfig) and LDAP (libldap).
noinst_LTLIBRARIES += common/librbacdir.la
common_librbacdir_la_SOURCES = \
	common/rbac_config.c common/rbac_config.h \
	common/rbac_conn.c common/rbac_conn.h \
	common/rbac_ldap.c common/rbac_ldap.h \
	common/rbac_ldap_place.c \
	common/rbac_ldap_each.c \
	common/rbac_ldap_entry.c common/rbac_ldap_entry.h \
	common/rbac_entry.c common/rbac_entry.h \
	common/rbac_deadline.c common/rbac_deadline.h \
	common/rbac_facts.c common/rbac_facts.h \
	common/rbac_write.c common/rbac_write.h \
	common/rbac_sync_proto.c common/rbac_sync_proto.h
common_librbacdir_la_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS)
common_librbacdir_la_LIBADD = common/librbaccore.la $(LIBCONFIG_LIBS) $(LDAP_LIBS)
