# nss_rbac/: included from the top-level Makefile.am (owned by the nss_rbac work)
