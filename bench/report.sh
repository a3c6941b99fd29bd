# shellcheck shell=bash
# bench/report.sh -- the markdown report of bench/run, sourced by it.
# Reads WORK/samples.tsv (backend, call, one median per round, µs) and
# WORK/refresh.tsv; writes the tables, the targets of issue 6 as ratios
# of this run, the machine, and what the figures mean.

# "label<TAB>call[<TAB>the anchors' call]" rows of the main table, in order.
report_rows() {
	cat <<ROWS
getgrnam, 5 members	getgrnam-small
getgrnam, $users members	getgrnam-big
getgrnam, $users members, 1 KiB buffer doubled after ERANGE	getgrnam-big-grow
getgrgid, $users members	getgrgid-big
getgrouplist, user in 5 groups	getgrouplist
getgrnam, 5 members, the source alone (no \`files\` before it)	getgrnam-small-alone
getgrouplist, the source alone (no \`files\` before it)	getgrouplist-alone
getgrnam, $users members, 1 KiB growing buffer, the source alone	getgrnam-big-grow-alone
enumerate all groups (setgrent/getgrent_r)	enumerate
first getgrnam in a fresh process	first-call
fresh process \`id $id_user\`	fresh-id
fresh process \`getent group $small_group\`	fresh-getent-small
fresh process \`getent group\`	fresh-getent-all
pam_acct_mgmt alone	pam_acct_mgmt
pam_acct_mgmt, first call of a fresh process (a login: sshd, sudo, su)	pam-first
pam_acct_mgmt alone, pam_rbac deciding from rbac-syncd's state (pam.local_max_lag)	pam_acct_mgmt-local	pam_acct_mgmt
the same, first call of a fresh process	pam-first-local	pam-first
ROWS
}

# "call<TAB>anchor<TAB>limit<TAB>text" of the issue's targets.
report_targets() {
	cat <<TARGETS
getgrnam-small	sssd	0.15	getgrnam warm, small group ≤ 0.15× SSSD memcache (\`files\` first, as deployed)
getgrnam-small-alone	sssd	0.15	the same, each source alone
getgrnam-big	sssd	0.5	getgrnam warm, $users members ≤ 0.5× SSSD memcache
getgrnam-big-grow	sssd	0.15	getgrnam, 1 KiB growing buffer ≤ 0.15× SSSD memcache (\`files\` first, as deployed)
getgrnam-big-grow-alone	sssd	0.15	the same, each source alone
getgrouplist	sssd	0.2	getgrouplist ≤ 0.2× SSSD memcache (\`files\` first, as deployed)
getgrouplist-alone	sssd	0.2	the same, each source alone
enumerate	files	1	enumeration ≤ 1× nss_files
fresh-id	sssd	1	fresh-process \`id\` ≤ 1× SSSD memcache
pam_acct_mgmt	nslcd	0.7	pam_acct_mgmt ≤ 0.7× pam_ldap (nslcd)
pam_acct_mgmt-local	nslcd	0.7	the same, pam_rbac deciding from rbac-syncd's state (pam.local_max_lag)	pam_acct_mgmt
TARGETS
}

# backend<TAB>call<TAB>median<TAB>min<TAB>max over the rounds.
summarise_samples() {
	sort -t$'\t' -k1,2 -k3,3g "$WORK/samples.tsv" | awk -F'\t' '
		function flush() { if (key != "") printf "%s\t%s\t%s\t%s\n", key,
			(n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), v[1], v[n] }
		{ k = $1 "\t" $2; if (k != key) { flush(); key = k; n = 0 } v[++n] = $3 }
		END { flush() }' >"$WORK/summary.tsv"
}

# stat BACKEND CALL FIELD(3 median, 4 min, 5 max)
stat_of() {
	awk -F'\t' -v b="$1" -v c="$2" -v f="$3" '$1 == b && $2 == c { print $f }' "$WORK/summary.tsv"
}

fmt_us() {
	awk -v x="$1" 'BEGIN { if (x == "") print "–"; else if (x >= 10000) printf "%.1f ms", x / 1000;
		else if (x >= 100) printf "%.0f µs", x; else printf "%.2f µs", x }'
}

cell() {
	local med
	med=$(stat_of "$1" "$2" 3)
	[[ -n $med ]] || { printf '–'; return; }
	printf '%s (%s–%s)' "$(fmt_us "$med")" "$(fmt_us "$(stat_of "$1" "$2" 4)")" \
		"$(fmt_us "$(stat_of "$1" "$2" 5)")"
}

# ratio CALL ANCHOR [ANCHOR'S CALL]
ratio() {
	local a b
	a=$(stat_of rbac "$1" 3) b=$(stat_of "$2" "${3:-$1}" 3)
	[[ -n $a && -n $b ]] || { printf '–'; return; }
	awk -v a="$a" -v b="$b" 'BEGIN { printf (b > 0 ? "%.3f×" : "–"), a / b }'
}

main_table() {
	local label call
	echo "| call | ours (libnss_rbac / pam_rbac) | nss_files | nslcd | SSSD memcache | ours / files | ours / nslcd | ours / SSSD |"
	echo "|---|---|---|---|---|---|---|---|"
	while IFS=$'\t' read -r label call anchor_call; do
		anchor_call=${anchor_call:-$call}
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$(cell rbac "$call")" \
			"$(cell files "$anchor_call")" "$(cell nslcd "$anchor_call")" \
			"$(cell sssd "$anchor_call")" "$(ratio "$call" files "$anchor_call")" \
			"$(ratio "$call" nslcd "$anchor_call")" "$(ratio "$call" sssd "$anchor_call")"
	done < <(report_rows)
}

targets_table() {
	local call anchor limit text r verdict
	echo "| target | ratio in this run | verdict |"
	echo "|---|---|---|"
	while IFS=$'\t' read -r call anchor limit text anchor_call; do
		r=$(ratio "$call" "$anchor" "$anchor_call")
		verdict=$(awk -v r="${r%×}" -v l="$limit" 'BEGIN {
			if (r == "–") print "not measured (anchor missing)";
			else print (r + 0 <= l + 0 ? "met" : "**missed**") }')
		printf '| %s | %s | %s |\n' "$text" "$r" "$verdict"
	done < <(report_targets)
	refresh_target
}

refresh_target() {
	local med rss limit=1 rss_limit=''
	med=$(sort -g "$WORK/refresh.tsv" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	rss=$(sort -k2,2g "$WORK/refresh.tsv" | tail -n1 | cut -d' ' -f2)
	[[ $preset == 100k ]] && limit=5 rss_limit=204800
	printf '| `rbacctl refresh`, %s users / %s roles, < %s s%s | %s s, peak RSS %s MB | %s |\n' \
		"$users" "$roles" "$limit" "${rss_limit:+ and < 200 MB}" "$med" \
		"$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$(awk -v s="$med" -v l="$limit" -v r="$rss" -v rl="${rss_limit:-0}" \
			'BEGIN { print (s <= l && (rl == 0 || r <= rl)) ? "met" : "**missed**" }')"
}

# System calls per pam_acct_mgmt in the module's process (strace between
# pambench's marks; the daemons' own calls are not counted): the total
# and the kinds that make it, first call and warm.
syscalls_table() {
	local f=$WORK/syscalls.tsv b w total kinds
	[[ -s $f ]] || return 0
	echo "## System calls per pam_acct_mgmt"
	echo
	echo "Counted by strace in the process that calls pam_acct_mgmt (the daemons' own are not): the first call of a process, and the mean of 20 warm calls; the ten most frequent kinds."
	echo
	echo "| module | call | total | by kind |"
	echo "|---|---|---|---|"
	for b in rbac rbac-local nslcd sssd; do
		for w in first warm; do
			total=$(awk -F'\t' -v b="$b" -v w="$w" '$1 == b && $2 == w && $3 == "total" { print $4 }' "$f")
			[[ -n $total ]] || continue
			kinds=$(awk -F'\t' -v b="$b" -v w="$w" '$1 == b && $2 == w && $3 != "total" { print $4 "\t" $3 }' "$f" |
				sort -t$'\t' -k1,1gr -k2,2 | awk -F'\t' 'NR <= 10 { printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')
			printf '| %s | %s | %s | %s |\n' "$b" "$w" "$total" "$kinds"
		done
	done
	echo
}

# What each backend answered (members, groups, or groups of the user), so
# that a fast wrong answer shows.
answers_table() {
	local call b row
	[[ -e $WORK/answers.tsv ]] || : >"$WORK/answers.tsv"
	echo "| call | ours | nss_files | nslcd | SSSD |"
	echo "|---|---|---|---|---|"
	for call in getgrnam-small getgrnam-big getgrnam-big-grow getgrnam-big-grow-alone \
		getgrgid-big getgrouplist getgrouplist-alone enumerate; do
		row="| $call"
		for b in rbac files nslcd sssd; do
			row+=" | $(awk -F'\t' -v b="$b" -v c="$call" '$1 == b && $2 == c { v = $3 }
				END { print (v == "" ? "–" : v) }' "$WORK/answers.tsv")"
		done
		echo "$row |"
	done
}

machine() {
	local v
	echo "- $(nproc) CPUs: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sort -u | head -n1)"
	echo "- kernel $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME"), glibc $(ldd --version | sed -n '1s/.* //p')"
	for v in slapd nslcd libnss-ldapd sssd-ldap libnss-sss hyperfine; do
		echo "- $v $(dpkg-query -W -f='${Version}' "$v" 2>/dev/null || echo 'not installed')"
	done
}

explain() {
	cat <<'TEXT'
## What the figures mean

- Every cell is the median over the rounds of a per-round figure, with the
  smallest and largest round in brackets. Rounds are interleaved: each round
  measures every backend in turn, so a slow moment of the machine hits all
  columns alike. Ratios are ours divided by the anchor, medians of this run.
- In-process rows (bench/nssbench): the first call of each process is
  excluded and reported alone ("first getgrnam in a fresh process": reading
  nsswitch.conf, loading the module, mapping the snapshot or opening the
  socket); then a warm loop, with an 8 MiB buffer, except the "1 KiB buffer"
  row, which grows the buffer the way glibc's getgrnam() does (1 KiB,
  doubled after every ERANGE, so the 10,000-member group costs 8 retries).
- Fresh-process rows: hyperfine (no shell), the whole process from exec to
  exit, as `id` or `getent` costs a login script.
- pam_acct_mgmt (bench/pambench): a new PAM handle per call
  (pam_start_confdir, then only pam_acct_mgmt is timed). "alone" is the
  median of a warm loop in one process, as a daemon that checks login
  after login sees it (pam_rbac keeps its connection and parsed config
  from the second call on); "first call of a fresh process" is what
  sshd, sudo and su pay for every login, since each login is a new
  process: the median of several processes' first calls (for pam_rbac:
  libldap's one-time setup, which loads every Cyrus SASL plugin, then a
  connect and a bind).
  pam_rbac asks the directory (pam_rbac(8): every call does), or, in
  the "deciding from rbac-syncd's state" rows, decides from the
  accounts.v3.db that rbac-syncd (running in its namespace, probe
  every second) proved current within pam.local_max_lag;
  pam_ldap asks nslcd, which asks the directory; pam_sss asks sssd_pam with
  access_provider = permit. "–" means that backend has no such module.
- Backends, each in its own mount namespace with its own nsswitch.conf:
  ours = `passwd: files` (generated) + `group: files rbac` (snapshot);
  nss_files = generated /etc/passwd and /etc/group; nslcd = `files ldap`
  (nslcd started by the bench, no nscd); SSSD = `files sss`, memcache on,
  enumerate = true, caches valid 300 s, warmed by the first calls.
- All four read the same slapd: the groups as rbacRole (ours) and as
  posixGroup (the anchors), the same members. Ours leaves suspended and
  expired accounts out of its groups (1 in 100 and 1 in 1000 of the
  users), so its big group has about 1 % fewer members than the anchors'.
TEXT
}

# The sections written by hand below the generated part (from the first
# heading that says "written by hand" to the end) survive a rerun: only the
# part above them is the run's.
kept_by_hand() {
	[[ -f $1 ]] || return 0
	awk '/^## .*written by hand/ { keep = 1 } keep' "$1"
}

write_report() {
	local out=${output:-}
	summarise_samples
	[[ -n $out ]] || { [[ -n $quick ]] && out=$WORK/results.md || out=$src/bench/RESULTS.md; }
	{
		echo "# Benchmark results"
		echo
		echo "Written by \`bench/run$([[ -n $quick ]] && echo ' --quick') --preset $preset --rounds $rounds\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
		echo "Directory: $users users, $roles groups, $member_values memberUid values, plus $machine_groups groups of the machine's /etc/group."
		echo
		echo "## Machine"
		echo
		machine
		echo
		echo "## Latency (median over $rounds rounds, min–max of the rounds)"
		echo
		main_table
		echo
		echo "What each backend answered (last round; members, groups, or the user's groups incl. the primary one):"
		echo
		answers_table
		echo
		echo "## Targets of issue 6"
		echo
		targets_table
		echo
		syscalls_table
		echo "Snapshot: groups.db $SNAP_GROUPS bytes, accounts.db $SNAP_ACCOUNTS bytes. Refresh runs: $(tr '\n' ';' <"$WORK/refresh.tsv") (seconds, peak RSS kB)."
		echo
		if ((${#MISSING[@]})); then
			echo "## Missing from this run"
			echo
			printf -- '- %s\n' "${MISSING[@]}"
			echo
		fi
		explain
		kept_by_hand "$out"
	} >"$out.new"
	mv "$out.new" "$out"
	[[ -n $quick ]] && cat "$out"
	say "report written to $out"
}
