# pam_rbac/: included from the top-level Makefile.am (owned by the pam_rbac work)
