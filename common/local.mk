# common/: included from the top-level Makefile.am

# ---- common/: the core has no dependency beyond libc, so the NSS module
# ---- and the snapshot reader can link it without libldap or libconfig.
noinst_LTLIBRARIES += common/librbaccore.la
common_librbaccore_la_SOURCES = \
	common/rbac_log.c common/rbac_log.h \
	common/rbac_strlist.c common/rbac_strlist.h \
	common/rbac_time.c common/rbac_time.h \
	common/rbac_file.c common/rbac_file.h \
	common/rbac_model.c common/rbac_model.h \
	common/rbac_decision.c common/rbac_decision.h

# ---- directory side: configuration (libconfig) and LDAP (libldap).
noinst_LTLIBRARIES += common/librbacdir.la
common_librbacdir_la_SOURCES = \
	common/rbac_config.c common/rbac_config.h \
	common/rbac_ldap.c common/rbac_ldap.h
common_librbacdir_la_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS)
common_librbacdir_la_LIBADD = common/librbaccore.la $(LIBCONFIG_LIBS) $(LDAP_LIBS)
