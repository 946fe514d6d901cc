"""The catalog queries behind roles and grants (one place to read them)."""

ROLES = """
SELECT r.rolname, r.rolcanlogin, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolvaliduntil,
       ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             WHERE m.member = r.oid ORDER BY 1)
FROM pg_roles r WHERE r.rolname !~ '^pg_' ORDER BY r.rolname
"""

DATABASE_GRANTS = """
SELECT d.datname, r.rolname,
       CASE WHEN d.datdba = r.oid THEN 'owner' ELSE 'connect' END
FROM pg_database d JOIN pg_roles r ON r.rolname !~ '^pg_'
WHERE NOT d.datistemplate AND (d.datdba = r.oid OR EXISTS (
    SELECT 1 FROM aclexplode(d.datacl) a
    WHERE a.grantee = r.oid AND a.privilege_type = 'CONNECT'))
ORDER BY 1, 2
"""

SCHEMA_GRANTS = """
WITH roles AS (SELECT oid, rolname FROM pg_roles WHERE rolname !~ '^pg_' AND NOT rolsuper),
schemas AS (SELECT oid, nspname, nspowner FROM pg_namespace
            WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'),
tables AS (SELECT oid, relnamespace FROM pg_class WHERE relkind IN ('r', 'p', 'v', 'm', 'f')),
defaults AS (SELECT d.defaclnamespace AS nsp, a.grantee, a.privilege_type
             FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE d.defaclobjtype = 'r')
SELECT r.rolname, s.nspname, s.nspowner = r.oid,
       (SELECT count(*) FROM tables t WHERE t.relnamespace = s.oid),
       (SELECT count(*) FROM tables t WHERE t.relnamespace = s.oid
          AND has_table_privilege(r.oid, t.oid, 'SELECT')),
       (SELECT count(*) FROM tables t WHERE t.relnamespace = s.oid
          AND has_table_privilege(r.oid, t.oid, 'INSERT')
          AND has_table_privilege(r.oid, t.oid, 'UPDATE')
          AND has_table_privilege(r.oid, t.oid, 'DELETE')),
       EXISTS (SELECT 1 FROM defaults d WHERE d.nsp = s.oid AND d.grantee = r.oid
               AND d.privilege_type = 'SELECT'),
       EXISTS (SELECT 1 FROM defaults d WHERE d.nsp = s.oid AND d.grantee = r.oid
               AND d.privilege_type = 'INSERT')
FROM roles r CROSS JOIN schemas s
WHERE has_schema_privilege(r.oid, s.oid, 'USAGE')
ORDER BY 1, 2
"""

USER_SCHEMAS = """
SELECT nspname FROM pg_namespace
WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1
"""

DEPENDENCIES = """
SELECT coalesce(d.datname, ''), s.deptype, count(*)
FROM pg_shdepend s LEFT JOIN pg_database d ON d.oid = s.dbid
WHERE s.refclassid = 'pg_authid'::regclass
  AND s.refobjid = (SELECT oid FROM pg_roles WHERE rolname = %s)
GROUP BY 1, 2 ORDER BY 1, 2
"""
"""What depends on a role, per database (``''``: shared objects such as databases);
``deptype`` ``o`` = owns it, ``a``/``i``/``r`` = privileges, initial privileges, policies."""

ROLE_EXISTS = "SELECT 1 FROM pg_roles WHERE rolname = %s"
TERMINATE = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
             "WHERE usename = %s AND pid <> pg_backend_pid()")
