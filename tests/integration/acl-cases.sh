# shellcheck shell=bash
#
# acl-cases.sh -- the delegated-administration policy of etc/slapd/rbac-acl.*
# as a table of real operations, for acl.test (slapd.conf) and
# acl-config.test (cn=config). Source it after slapd-harness.sh, then:
#
#   acl_fixture URI             as the rootdn: passwords pw-<uid> for the
#                               example users, namespace ops, the delegated
#                               roles (but eng's ns-admin, which README's
#                               walk-through creates), the replicator, the
#                               audit identity
#   acl_readme_delegate URI     README's ```sh recipe=delegate block, line by
#                               line as an admin types it: exit 0 0 0 50
#   acl_readme_undelegate URI   README's ```sh recipe=undelegate block
#   acl_run_table URI           every row of ACL_CASES below
#
# Every row: WHO | OP | TARGET | ARGUMENT | EXPECT. The target entry is read
# as the rootdn before and after the operation: a refusal must leave it as
# it was (every attribute, operational ones included), a success must
# show the change. WHO is a user (uid=WHO,ou=people, password pw-WHO),
# host-reader, replicator, audit-reader, or admin (the rootdn, for a step
# between rows).
# OP and ARGUMENT:
#   mod   CHANGE[;CHANGE...]   CHANGE = add|replace|delete:ATTR[:VALUE]
#   add   ATTR=VALUE[;...]     a new entry at TARGET
#   del   -                    delete TARGET
#   ren   NEWRDN[>NEWSUPERIOR] modrdn, old RDN deleted
#   read  ATTR                 a base search of TARGET as WHO asking for ATTR
#   rbacctl ARGS               rbacctl -c <eng, global> ARGS -D WHO -y FILE
# EXPECT: ok | 50 (insufficientAccess) | seen | hidden (read) | exit2
# (rbacctl refused by the server: exit 2).

ACL_R=ou=rbac,dc=example,dc=org
ACL_P=ou=people,dc=example,dc=org
ACL_REPLICATOR_DN=cn=replicator,dc=example,dc=org
ACL_USERS='alice erin grace heidi ivan judy oscar peggy trent victor'
ACL_RBACCTL=${RBACCTL:-${abs_top_builddir:-$(pwd)}/rbacctl/rbacctl}

# The policy. One row per line; "#" lines are comments.
ACL_CASES="
# --- grace, admin of namespace eng (README's walk-through made her one)
grace | mod | cn=user,cn=eng,$ACL_R | add:memberUid:erin | ok
grace | mod | cn=user,cn=eng,$ACL_R | delete:memberUid:erin | ok
grace | mod | cn=admin,cn=eng,$ACL_R | replace:rbacRestriction:host.su | ok
grace | mod | cn=manager,cn=eng,$ACL_R | add:rbacPermission:host.su;replace:description:deploys | ok
grace | mod | cn=contractor,cn=eng,$ACL_R | add:rbacInherits:user | ok
grace | add | cn=dev,cn=eng,$ACL_R | objectClass=rbacRole;cn=dev;rbacInherits=user;memberUid=erin | ok
grace | ren | cn=dev,cn=eng,$ACL_R | cn=devs | ok
grace | del | cn=devs,cn=eng,$ACL_R | - | ok
grace | add | uid=erin,cn=admin,cn=eng,$ACL_R | objectClass=rbacAssignment;uid=erin;rbacValidUntil=20991231000000Z;rbacTicket=INC-1 | ok
grace | mod | uid=erin,cn=admin,cn=eng,$ACL_R | replace:rbacValidUntil:20981231000000Z | ok
grace | del | uid=erin,cn=admin,cn=eng,$ACL_R | - | ok
# not eng's master list, nor the namespace entry
grace | mod | cn=eng,$ACL_R | add:rbacPermission:host.reboot | 50
grace | mod | cn=eng,$ACL_R | replace:description:mine | 50
grace | add | cn=eng2,$ACL_R | objectClass=rbacNamespace;cn=eng2 | 50
grace | del | cn=auditor,cn=eng,$ACL_R | - | ok
admin | add | cn=auditor,cn=eng,$ACL_R | objectClass=rbacRole;cn=auditor;rbacPermission=app.logs.read;gidNumber=900050 | ok
# not any gidNumber, no other class, nothing deeper than an assignment
grace | mod | cn=user,cn=eng,$ACL_R | replace:gidNumber:0 | 50
grace | add | cn=dev2,cn=eng,$ACL_R | objectClass=rbacRole;cn=dev2;gidNumber=900777 | 50
grace | mod | cn=user,cn=eng,$ACL_R | add:objectClass:extensibleObject | 50
grace | add | uid=erin,cn=user,cn=eng,$ACL_R | objectClass=rbacAssignment;objectClass=extensibleObject;uid=erin;gidNumber=0 | 50
grace | add | cn=x,cn=user,cn=eng,$ACL_R | objectClass=rbacRole;cn=x | 50
# not namespace ops, nor the global namespace (which she reads)
grace | mod | cn=user,cn=ops,$ACL_R | add:memberUid:erin | 50
grace | add | cn=dev,cn=ops,$ACL_R | objectClass=rbacRole;cn=dev | 50
grace | del | cn=user,cn=ops,$ACL_R | - | 50
grace | ren | cn=manager,cn=eng,$ACL_R | cn=manager>cn=ops,$ACL_R | 50
grace | read | cn=user,cn=ops,$ACL_R | memberUid | hidden
grace | mod | cn=platform-admin,cn=global,$ACL_R | add:memberUid:erin | 50
grace | read | cn=platform-admin,cn=global,$ACL_R | memberUid | seen
# not the accounts
grace | mod | uid=erin,$ACL_P | replace:rbacAccountStatus:suspended | 50
grace | read | uid=alice,$ACL_P | userPassword | hidden
# she appoints another admin of eng (by design); it counts at once, both ways
erin | mod | cn=admin,cn=eng,$ACL_R | add:memberUid:erin | 50
grace | mod | cn=ns-admin,cn=eng,$ACL_R | add:memberUid:erin | ok
erin | mod | cn=user,cn=eng,$ACL_R | add:memberUid:erin | ok
grace | mod | cn=ns-admin,cn=eng,$ACL_R | delete:memberUid:erin | ok
erin | mod | cn=user,cn=eng,$ACL_R | delete:memberUid:erin | 50
grace | mod | cn=user,cn=eng,$ACL_R | delete:memberUid:erin | ok
# rbacctl's guarded writes, bound as grace: the ACL decides
grace | rbacctl | cn=manager,cn=eng,$ACL_R | grant erin manager | ok
grace | rbacctl | cn=manager,cn=eng,$ACL_R | revoke erin manager | ok
grace | rbacctl | uid=erin,cn=super-admin,cn=eng,$ACL_R | grant erin super-admin --for 2h --ticket INC-2 | ok
grace | rbacctl | uid=erin,cn=super-admin,cn=eng,$ACL_R | revoke erin super-admin | ok
grace | rbacctl | uid=erin,$ACL_P | suspend erin --reason hold | exit2
# --- judy, auditor of eng: reads eng (and global), writes nothing
judy | read | cn=manager,cn=eng,$ACL_R | memberUid | seen
judy | read | cn=eng,$ACL_R | rbacPermission | seen
judy | read | cn=platform-admin,cn=global,$ACL_R | memberUid | seen
judy | read | cn=user,cn=ops,$ACL_R | memberUid | hidden
judy | mod | cn=user,cn=eng,$ACL_R | add:memberUid:erin | 50
judy | add | cn=dev,cn=eng,$ACL_R | objectClass=rbacRole;cn=dev | 50
judy | mod | cn=ns-auditor,cn=eng,$ACL_R | add:memberUid:erin | 50
judy | rbacctl | cn=manager,cn=eng,$ACL_R | grant erin manager | exit2
# --- ivan holds eng's auditor role but his account has no rbacAccountStatus
ivan | read | cn=manager,cn=eng,$ACL_R | memberUid | hidden
# --- peggy, admin of namespace ops: ops only
peggy | mod | cn=user,cn=ops,$ACL_R | add:memberUid:erin | ok
peggy | mod | cn=user,cn=eng,$ACL_R | add:memberUid:erin | 50
peggy | read | cn=user,cn=eng,$ACL_R | memberUid | hidden
peggy | mod | cn=ns-admin,cn=eng,$ACL_R | add:memberUid:peggy | 50
# --- trent, user support: status and reason of accounts, nothing else
trent | mod | uid=erin,$ACL_P | replace:rbacAccountStatus:suspended;replace:rbacStatusReason:security hold | ok
trent | mod | uid=erin,$ACL_P | replace:rbacAccountStatus:active;delete:rbacStatusReason | ok
trent | mod | uid=erin,$ACL_P | replace:rbacValidUntil:20991231000000Z | 50
trent | mod | uid=erin,$ACL_P | replace:cn:Erin E | 50
trent | mod | uid=erin,$ACL_P | replace:userPassword:x | 50
trent | mod | cn=user,cn=eng,$ACL_R | add:memberUid:erin | 50
trent | mod | cn=user-support,cn=global,$ACL_R | add:memberUid:erin | 50
trent | read | cn=manager,cn=eng,$ACL_R | memberUid | seen
trent | rbacctl | uid=erin,$ACL_P | suspend erin --reason hold | ok
trent | rbacctl | uid=erin,$ACL_P | activate erin | ok
trent | rbacctl | cn=manager,cn=eng,$ACL_R | grant erin manager | exit2
# --- erin, no delegated role
erin | read | cn=user,cn=eng,$ACL_R | memberUid | hidden
erin | read | uid=alice,$ACL_P | rbacAccountStatus | seen
erin | mod | uid=heidi,$ACL_P | replace:rbacAccountStatus:active | 50
erin | read | uid=heidi,$ACL_P | userPassword | hidden
# --- the host reader: what the modules and rbac-syncd read, no secret
host-reader | read | uid=alice,$ACL_P | rbacAccountStatus | seen
host-reader | read | uid=alice,$ACL_P | userPassword | hidden
host-reader | read | uid=alice,$ACL_P | cn | hidden
host-reader | read | cn=admin,cn=eng,$ACL_R | memberUid | seen
host-reader | read | cn=admin,cn=eng,$ACL_R | gidNumber | seen
host-reader | read | cn=eng,$ACL_R | rbacPermission | seen
host-reader | read | cn=replicator,dc=example,dc=org | userPassword | hidden
host-reader | mod | cn=user,cn=eng,$ACL_R | add:memberUid:erin | 50
host-reader | mod | uid=erin,$ACL_P | replace:rbacAccountStatus:suspended | 50
# --- the audit identity (rbacctl audit): reads the roles, writes nothing
audit-reader | read | cn=user,cn=ops,$ACL_R | memberUid | seen
audit-reader | read | cn=eng,$ACL_R | rbacPermission | seen
audit-reader | read | uid=alice,$ACL_P | userPassword | hidden
audit-reader | mod | cn=user,cn=ops,$ACL_R | add:memberUid:erin | 50
# --- oscar, auditor of the global namespace: reads every namespace
admin | add | cn=ns-auditor,cn=global,$ACL_R | objectClass=rbacRole;cn=ns-auditor;memberUid=oscar | ok
oscar | read | cn=user,cn=ops,$ACL_R | memberUid | seen
oscar | read | cn=eng,$ACL_R | rbacPermission | seen
oscar | mod | cn=user,cn=ops,$ACL_R | add:memberUid:erin | 50
oscar | mod | cn=platform-admin,cn=global,$ACL_R | add:memberUid:erin | 50
# --- the replicator: reads everything, writes nothing
replicator | read | uid=alice,$ACL_P | userPassword | seen
replicator | read | uid=alice,$ACL_P | cn | seen
replicator | mod | uid=erin,$ACL_P | replace:rbacAccountStatus:suspended | 50
# --- a holder whose account is suspended has no right, until reactivated
admin | mod | uid=grace,$ACL_P | replace:rbacAccountStatus:suspended | ok
grace | mod | cn=user,cn=eng,$ACL_R | add:memberUid:erin | 50
grace | read | cn=manager,cn=eng,$ACL_R | memberUid | hidden
admin | mod | uid=grace,$ACL_P | replace:rbacAccountStatus:active | ok
grace | mod | cn=user,cn=eng,$ACL_R | add:memberUid:erin | ok
grace | mod | cn=user,cn=eng,$ACL_R | delete:memberUid:erin | ok
# --- an rbacAssignment below a delegated role gives no directory right
admin | add | uid=erin,cn=ns-admin,cn=eng,$ACL_R | objectClass=rbacAssignment;uid=erin;rbacTicket=INC-3 | ok
erin | mod | cn=user,cn=eng,$ACL_R | add:memberUid:erin | 50
"

_acl_failures=0
_acl_passes=0

_acl_pass() {
	_acl_passes=$((_acl_passes + 1))
	echo "PASS: $*"
}

_acl_fail() {
	_acl_failures=$((_acl_failures + 1))
	echo "FAIL: $*"
}

acl_failures() {
	echo "$_acl_passes passed, $_acl_failures failed"
	((_acl_failures == 0))
}

# _acl_bind WHO: the bind arguments of an identity of the table.
_acl_bind() {
	case $1 in
	admin) printf '%s\n' -D "$RBAC_TEST_ROOTDN" -w "$RBAC_TEST_ROOTPW" ;;
	host-reader) printf '%s\n' -D "$RBAC_TEST_READER_DN" -w "$RBAC_TEST_READER_PW" ;;
	replicator) printf '%s\n' -D "$ACL_REPLICATOR_DN" -w pw-replicator ;;
	audit-reader) printf '%s\n' -D "$RBAC_TEST_AUDIT_DN" -w "$RBAC_TEST_AUDIT_PW" ;;
	*) printf '%s\n' -D "uid=$1,$ACL_P" -w "pw-$1" ;;
	esac
}

# acl_fixture URI
acl_fixture() {
	local u
	{
		for u in $ACL_USERS; do
			printf 'dn: uid=%s,%s\nchangetype: modify\nreplace: userPassword\nuserPassword: pw-%s\n\n' \
				"$u" "$ACL_P" "$u"
		done
		cat <<EOF
dn: $ACL_REPLICATOR_DN
changetype: add
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: replicator
userPassword: pw-replicator

dn: cn=ops,$ACL_R
changetype: add
objectClass: rbacNamespace
cn: ops
rbacPermission: host.login

dn: cn=user,cn=ops,$ACL_R
changetype: add
objectClass: rbacRole
cn: user
rbacPermission: host.login
memberUid: heidi

dn: cn=ns-admin,cn=ops,$ACL_R
changetype: add
objectClass: rbacRole
cn: ns-admin
memberUid: peggy

dn: cn=ns-auditor,cn=eng,$ACL_R
changetype: add
objectClass: rbacRole
cn: ns-auditor
memberUid: judy
memberUid: ivan

dn: cn=user-support,cn=global,$ACL_R
changetype: add
objectClass: rbacRole
cn: user-support
memberUid: trent

EOF
		# rbacctl audit's identity: loaded by the harness with
		# RBAC_TEST_ACCESSLOG, added here otherwise.
		if [[ -z $(_acl_entry "$1" "$RBAC_TEST_AUDIT_DN") ]]; then
			printf 'dn: %s\nchangetype: add\nobjectClass: organizationalRole\n' "$RBAC_TEST_AUDIT_DN"
			printf 'objectClass: simpleSecurityObject\ncn: audit-reader\nuserPassword: %s\n\n' \
				"$RBAC_TEST_AUDIT_PW"
		fi
	} | LDAPNOINIT=1 ldapmodify -x -H "$1" -D "$RBAC_TEST_ROOTDN" -w "$RBAC_TEST_ROOTPW" >/dev/null ||
		exit 99
}

# _acl_entry URI DN: the whole entry as the rootdn (empty when absent).
_acl_entry() {
	LDAPNOINIT=1 ldapsearch -x -LLL -o ldif-wrap=no -H "$1" -D "$RBAC_TEST_ROOTDN" \
		-w "$RBAC_TEST_ROOTPW" -b "$2" -s base '*' '+' 2>/dev/null
}

# _acl_mod_ldif DN SPEC / _acl_add_ldif DN SPEC / ...: the row's LDIF.
_acl_mod_ldif() {
	local change kind attr value sep=''
	printf 'dn: %s\nchangetype: modify\n' "$1"
	IFS=';' read -ra changes <<<"$2"
	for change in "${changes[@]}"; do
		IFS=: read -r kind attr value <<<"$change"
		printf '%s%s: %s\n' "$sep" "$kind" "$attr"
		[[ -z $value ]] || printf '%s: %s\n' "$attr" "$value"
		sep=$'-\n'
	done
}

_acl_add_ldif() {
	local pair
	printf 'dn: %s\nchangetype: add\n' "$1"
	IFS=';' read -ra pairs <<<"$2"
	for pair in "${pairs[@]}"; do
		printf '%s: %s\n' "${pair%%=*}" "${pair#*=}"
	done
}

_acl_ren_ldif() {
	printf 'dn: %s\nchangetype: modrdn\nnewrdn: %s\ndeleteoldrdn: 1\n' "$1" "${2%%>*}"
	[[ $2 != *'>'* ]] || printf 'newsuperior: %s\n' "${2#*>}"
}

# _acl_write URI WHO OP TARGET ARG: run the row's operation; prints the
# LDAP result code (ldapmodify's exit status is the result code).
_acl_write() {
	local uri=$1 who=$2 op=$3 target=$4 arg=$5 rc=0 bind
	mapfile -t bind < <(_acl_bind "$who")
	case $op in
	mod) _acl_mod_ldif "$target" "$arg" ;;
	add) _acl_add_ldif "$target" "$arg" ;;
	del) printf 'dn: %s\nchangetype: delete\n' "$target" ;;
	ren) _acl_ren_ldif "$target" "$arg" ;;
	esac | LDAPNOINIT=1 ldapmodify -x -H "$uri" "${bind[@]}" >>"$_acl_log" 2>&1 || rc=$?
	echo "$rc"
}

# _acl_rbacctl URI WHO ARGS: rbacctl bound as WHO; prints its exit status.
_acl_rbacctl() {
	local uri=$1 who=$2 rc=0 pw=$_acl_dir/$2.pw
	printf 'pw-%s\n' "$who" >"$pw"
	chmod 0600 "$pw"
	sed "s|@URI@|$uri|" "$_acl_dir/rbac.conf.in" >"$_acl_dir/rbac.conf"
	read -ra args <<<"$3"
	"$ACL_RBACCTL" -c "$_acl_dir/rbac.conf" "${args[@]}" -D "uid=$who,$ACL_P" -y "$pw" \
		>>"$_acl_log" 2>&1 || rc=$?
	echo "$rc"
}

# _acl_has ENTRY ATTR VALUE: ENTRY (LDIF) holds ATTR: VALUE.
_acl_has() {
	grep -qixF "$2: $3" <<<"$1"
}

# _acl_changed_as_asked OP ARG BEFORE AFTER: a successful row's change is
# there (rbacctl: the target changed).
_acl_changed_as_asked() {
	local op=$1 arg=$2 before=$3 after=$4 change kind attr value
	case $op in
	rbacctl) [[ $before != "$after" ]] ;;
	add) [[ -n $after ]] ;;
	del | ren) [[ -z $after ]] ;;
	mod)
		IFS=';' read -ra changes <<<"$arg"
		for change in "${changes[@]}"; do
			IFS=: read -r kind attr value <<<"$change"
			case $kind in
			add | replace) _acl_has "$after" "$attr" "$value" || return 1 ;;
			delete) [[ -z $value ]] && ! grep -qi "^$attr:" <<<"$after" && continue
				! _acl_has "$after" "$attr" "$value" || return 1 ;;
			esac
		done
		;;
	esac
}

# _acl_read URI WHO TARGET ATTR: seen or hidden.
_acl_read() {
	local bind
	mapfile -t bind < <(_acl_bind "$2")
	if LDAPNOINIT=1 ldapsearch -x -LLL -o ldif-wrap=no -H "$1" "${bind[@]}" -b "$3" -s base \
		"$4" 2>>"$_acl_log" | grep -qi "^$4::\? "; then
		echo seen
	else
		echo hidden
	fi
}

# _acl_row URI N WHO OP TARGET ARG EXPECT
_acl_row() {
	local uri=$1 n=$2 who=$3 op=$4 target=$5 arg=$6 expect=$7 before after rc got
	local what="$n $who $op $target [$arg]: expect $expect"
	if [[ $op == read ]]; then
		got=$(_acl_read "$uri" "$who" "$target" "$arg")
		if [[ $got == "$expect" ]]; then _acl_pass "$what"; else _acl_fail "$what, got $got"; fi
		return
	fi
	before=$(_acl_entry "$uri" "$target")
	if [[ $op == rbacctl ]]; then
		rc=$(_acl_rbacctl "$uri" "$who" "$arg")
		((rc == 2)) && rc=exit2
	else
		rc=$(_acl_write "$uri" "$who" "$op" "$target" "$arg")
	fi
	after=$(_acl_entry "$uri" "$target")
	if [[ $expect == ok ]]; then
		if [[ $rc == 0 ]] && _acl_changed_as_asked "$op" "$arg" "$before" "$after"; then
			_acl_pass "$what"
		else
			_acl_fail "$what, got $rc; the entry after: ${after:-(none)}"
		fi
	elif [[ $rc == "$expect" && $before == "$after" ]]; then
		_acl_pass "$what; the entry read back unchanged"
	elif [[ $rc == "$expect" ]]; then
		_acl_fail "$what: refused, but the entry changed"
	else
		_acl_fail "$what, got $rc"
	fi
}

# acl_run_table URI: every row; rbacctl reads namespace eng, global
# "global", from URI.
acl_run_table() {
	local uri=$1 n=0 line who op target arg expect
	_acl_dir=$(mktemp -d "$RBAC_TEST_DIR/acl.XXXXXX") || exit 99
	_acl_log=$_acl_dir/ops.log
	cat >"$_acl_dir/rbac.conf.in" <<EOF
ldap = {
  uri = [ "@URI@" ];
  base = "$ACL_R";
  user_base = "$ACL_P";
};
namespace = "eng";
global_namespace = "global";
EOF
	chmod 0644 "$_acl_dir/rbac.conf.in"
	while IFS= read -r line; do
		[[ -z $line || $line == \#* ]] && continue
		IFS='|' read -r who op target arg expect <<<"$line"
		n=$((n + 1))
		_acl_row "$uri" "$n" "$(_acl_trim "$who")" "$(_acl_trim "$op")" "$(_acl_trim "$target")" \
			"$(_acl_trim "$arg")" "$(_acl_trim "$expect")"
	done <<<"$ACL_CASES"
	if ((_acl_failures > 0)); then
		echo "--- the operations' output"
		cat "$_acl_log"
	fi
}

_acl_trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	printf '%s' "${s%"${s##*[![:space:]]}"}"
}

# _acl_readme_block KIND NAME: the lines of README's ```KIND NAME block
# (exactly one such block), or exit 99.
_acl_readme_block() {
	awk -v open="\`\`\`$1 $2" '
		$0 == open { inside = 1; found++; next }
		inside && /^```/ { inside = 0; next }
		inside { print }
		END { exit found == 1 ? 0 : 1 }' "$RBAC_SRCDIR/README.md" || {
		echo "README.md: not exactly one \`\`\`$1 $2 block" >&2
		exit 99
	}
}

# _acl_readme_workdir URI: the admin workstation of README's walk-through:
# its ldap.conf names URI, the password files, every ```ldif file=NAME
# block as NAME, and "rbacctl" (the build's) reading an rbac.conf for eng.
_acl_readme_workdir() {
	local name
	_acl_work=$RBAC_TEST_DIR/workstation
	[[ -d $_acl_work ]] && return
	mkdir -p "$_acl_work/bin"
	printf 'URI %s\n' "$1" >"$_acl_work/ldap.conf"
	printf '%s' "$RBAC_TEST_ROOTPW" >"$_acl_work/admin.pw"
	printf '%s' pw-grace >"$_acl_work/grace.pw"
	chmod 0600 "$_acl_work/admin.pw" "$_acl_work/grace.pw"
	while IFS= read -r name; do
		_acl_readme_block ldif "file=$name" >"$_acl_work/$name"
	done < <(sed -n 's/^```ldif file=//p' "$RBAC_SRCDIR/README.md")
	cat >"$_acl_work/rbac.conf" <<CONF
ldap = {
  uri = [ "$1" ];
  base = "$ACL_R";
  user_base = "$ACL_P";
};
namespace = "eng";
global_namespace = "global";
CONF
	chmod 0644 "$_acl_work/rbac.conf"
	printf '#!/bin/sh\nexec "%s" -c "%s" "$@"\n' "$ACL_RBACCTL" "$_acl_work/rbac.conf" \
		>"$_acl_work/bin/rbacctl"
	chmod 0755 "$_acl_work/bin/rbacctl"
}

# _acl_readme_run URI RECIPE EXITS...: each command line of the block, as
# typed on the workstation (ldap.conf through LDAPCONF, no ~/.ldaprc),
# must exit with the next of EXITS.
_acl_readme_run() {
	local uri=$1 recipe=$2 line rc want
	shift 2
	_acl_readme_workdir "$uri"
	while IFS= read -r line; do
		[[ -z $line || $line == \#* ]] && continue
		want=${1:-none}
		shift || true
		rc=0
		(cd "$_acl_work" && HOME=$_acl_work LDAPCONF=$_acl_work/ldap.conf \
			PATH=$_acl_work/bin:$PATH bash -c "$line") >"$_acl_work/out" 2>&1 || rc=$?
		sed 's/^/    /' "$_acl_work/out"
		if [[ $rc == "$want" ]]; then
			_acl_pass "README $recipe: $line: exit $rc"
		else
			_acl_fail "README $recipe: $line: exit $rc, want $want"
		fi
	done < <(_acl_readme_block sh "recipe=$recipe")
	(($# == 0)) || _acl_fail "README $recipe: fewer commands than expected"
}

_acl_value() { # URI DN ATTR: the values, sorted, on one line
	_acl_entry "$1" "$2" | sed -n "s/^$3: //p" | sort | paste -sd ' '
}

# _acl_holds URI ROLE-DN UID: UID is a memberUid value of the role.
_acl_holds() {
	[[ " $(_acl_value "$1" "$2" memberUid) " == *" $3 "* ]]
}

_acl_lacks() { # URI ROLE-DN UID
	! _acl_holds "$@"
}

# _acl_assert WHAT CMD...: pass when CMD succeeds.
_acl_assert() {
	local what=$1
	shift
	if "$@"; then _acl_pass "$what"; else _acl_fail "$what"; fi
}

_acl_same_master() { # URI BEFORE
	[[ $(_acl_value "$1" "cn=eng,$ACL_R" rbacPermission) == "$2" ]]
}

acl_readme_delegate() {
	local uri=$1 master
	master=$(_acl_value "$uri" "cn=eng,$ACL_R" rbacPermission)
	_acl_readme_run "$uri" delegate 0 0 0 50
	_acl_assert "README delegate: grace holds eng/ns-admin" \
		_acl_holds "$uri" "cn=ns-admin,cn=eng,$ACL_R" grace
	_acl_assert "README delegate: erin holds eng/deployer, granted by grace" \
		_acl_holds "$uri" "cn=deployer,cn=eng,$ACL_R" erin
	_acl_assert "README delegate: eng's master list unchanged" _acl_same_master "$uri" "$master"
}

acl_readme_undelegate() {
	local uri=$1
	_acl_readme_run "$uri" undelegate 0 50
	_acl_assert "README undelegate: grace no longer holds eng/ns-admin" \
		_acl_lacks "$uri" "cn=ns-admin,cn=eng,$ACL_R" grace
	_acl_assert "README undelegate: erin still holds eng/deployer (the removal was refused)" \
		_acl_holds "$uri" "cn=deployer,cn=eng,$ACL_R" erin
}
