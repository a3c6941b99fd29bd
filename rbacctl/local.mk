# rbacctl/: included from the top-level Makefile.am (owned by the rbacctl work)
