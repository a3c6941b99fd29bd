group last rbac
