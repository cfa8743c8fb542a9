#!/usr/bin/env bash
# interop.sh — run the client against real servers and proxies: nginx,
# Apache httpd, Squid and tinyproxy from Debian's packages.
#
#   scripts/interop.sh                 install what is missing, run everything
#   HTTPSTACK_INTEROP_RUN=TestTunnel scripts/interop.sh   only some tests (go test -run)
#   HTTPSTACK_INTEROP_KEEP=1 scripts/interop.sh           keep the temp dir
#   HTTPSTACK_INTEROP_VERBOSE=1 scripts/interop.sh        print go test -v in full
#
# Steps:
#   1. Install the packages whose programs are missing, with one
#      `apt-get update` and `apt-get install -y --no-install-recommends`
#      (root only; nothing is installed when everything is present). Package
#      scripts are kept from starting the system services.
#   2. Make a temp dir holding everything: a CA and a server certificate
#      made with openssl, the static files, the configs rendered from
#      interop/testdata/*.tmpl, pid files and logs.
#   3. Start each server in the foreground as a background process of this
#      script, on its own free 127.0.0.1 port (nothing on 0.0.0.0, no
#      /etc configs, no systemd), and wait until it accepts connections.
#   4. Run `go test -tags interop ./interop/` with the addresses in
#      HTTPSTACK_INTEROP_* variables (see interop/doc.go).
#   5. On exit stop exactly the processes started in step 3, print the
#      servers' error logs if anything failed, and remove the temp dir.
#
# docs/interop.md describes the servers and the cases.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

log() { printf 'interop: %s\n' "$*"; }
die() {
	printf 'interop: error: %s\n' "$*" >&2
	exit 1
}

# ---------------------------------------------------------------- install

# program → Debian package. Each program is looked for on PATH and in the
# sbin directories, where a non-root PATH may not reach.
declare -A packages=(
	[nginx]=nginx
	[apache2]=apache2
	[squid]=squid
	[tinyproxy]=tinyproxy
	[openssl]=openssl
)

find_prog() {
	local p
	p=$(command -v "$1" 2>/dev/null) && {
		echo "$p"
		return 0
	}
	for d in /usr/sbin /sbin /usr/local/sbin /usr/bin; do
		[ -x "$d/$1" ] && {
			echo "$d/$1"
			return 0
		}
	done
	return 1
}

install_missing() {
	local missing=() prog
	for prog in nginx apache2 squid tinyproxy openssl; do
		find_prog "$prog" >/dev/null || missing+=("${packages[$prog]}")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		log "all servers installed"
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
	command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get"

	# Keep the packages' maintainer scripts from starting system services
	# (nginx and apache2 would listen on 0.0.0.0:80): policy-rc.d exit 101
	# is Debian's switch for that. Only a file this script created is removed.
	local policy=/usr/sbin/policy-rc.d made_policy=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# created by httpstack scripts/interop.sh during apt-get install\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		made_policy=1
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi

	local t0=$SECONDS aptlog rc=0
	aptlog=$(mktemp)
	log "installing ${missing[*]} (apt-get update, then install; usually under a minute)"
	export DEBIAN_FRONTEND=noninteractive
	# A failed update (one unreachable source) is not fatal: the install
	# below says whether the lists were good enough.
	if ! apt-get update -qq -o DPkg::Lock::Timeout=120 >"$aptlog" 2>&1; then
		log "apt-get update reported errors; trying the install anyway"
		grep -E '^(E|W):' "$aptlog" | head -n 5 >&2 || true
	fi
	apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=120 "${missing[@]}" >>"$aptlog" 2>&1 || rc=1
	if [ -n "$made_policy" ]; then
		rm -f "$policy"
		trap - EXIT
	fi
	if [ $rc -ne 0 ]; then
		cat "$aptlog" >&2
		rm -f "$aptlog"
		die "apt-get install ${missing[*]} failed"
	fi
	rm -f "$aptlog"
	log "installed ${missing[*]} in $((SECONDS - t0))s"
}

install_missing

NGINX=$(find_prog nginx) || die "nginx not found"
APACHE=$(find_prog apache2) || die "apache2 not found"
SQUID=$(find_prog squid) || die "squid not found"
TINYPROXY=$(find_prog tinyproxy) || die "tinyproxy not found"
OPENSSL=$(find_prog openssl) || die "openssl not found"
APACHE_MODULES=/usr/lib/apache2/modules
[ -f "$APACHE_MODULES/mod_proxy_http.so" ] || die "no Apache modules in $APACHE_MODULES"

# Versions, one line each.
nginx_version=$("$NGINX" -v 2>&1 | head -n1)
apache_version=$("$APACHE" -v 2>&1 | sed -n 's/^Server version: *//p' | head -n1)
squid_version=$("$SQUID" -v 2>&1 | head -n1)
tinyproxy_version=$("$TINYPROXY" -v 2>&1 | head -n1)
openssl_version=$("$OPENSSL" version 2>&1 | head -n1)
log "versions:"
printf '  %s\n' "$nginx_version" "$apache_version" "$squid_version" "$tinyproxy_version" "$openssl_version"

# ---------------------------------------------------------------- cleanup

TMP=$(mktemp -d "${TMPDIR:-/tmp}/httpstack-interop.XXXXXX")
pids=()  # processes this script started, as "name:pid"
status=1 # becomes 0 only when the tests passed

print_logs() {
	local f
	for f in "$TMP"/nginx/error.log "$TMP"/apache/error.log "$TMP"/squid/cache.log \
		"$TMP"/tinyproxy/tinyproxy.log "$TMP"/*/stderr.log; do
		[ -s "$f" ] || continue
		printf '\n----- %s (last 60 lines)\n' "${f#"$TMP"/}"
		tail -n 60 "$f"
	done
}

# descendants PID prints the pids of PID's children, grandchildren, ...
descendants() {
	command -v ps >/dev/null || return 0
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# stop PID NAME sends SIGTERM, waits up to 5s, then sends SIGKILL.
stop() {
	local pid=$1 name=$2 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	log "$name ($pid) did not stop in 5s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

# stop_servers stops the processes start recorded and then any of their
# descendants that outlived them (helpers a server forked), nothing else.
stop_servers() {
	local entry name pid kids kid
	for entry in "${pids[@]}"; do
		name=${entry%%:*}
		pid=${entry#*:}
		kids=$(descendants "$pid")
		stop "$pid" "$name"
		wait "$pid" 2>/dev/null || true
		for kid in $kids; do
			kill -0 "$kid" 2>/dev/null && stop "$kid" "$name helper"
		done
	done
	pids=()
}

on_exit() {
	local rc=$?
	[ $status -eq 0 ] || [ $rc -ne 0 ] || rc=1
	stop_servers
	if [ $rc -ne 0 ] && [ -d "$TMP" ]; then
		log "failed; server logs follow"
		print_logs
	fi
	if [ -n "${HTTPSTACK_INTEROP_KEEP:-}" ]; then
		log "kept $TMP"
	else
		rm -rf "$TMP"
	fi
	exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- ports

# free_port prints a port in 20000-32767 (below Linux's ephemeral range, so
# outgoing connections do not take it meanwhile) that nothing on
# 127.0.0.1 accepts on and that is not in $taken (it runs in a subshell,
# so the caller records each port it gets).
taken=" "
free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + RANDOM % 12768))
		case "$taken" in *" $p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port found"
}

NGINX_PORT=$(free_port)
taken+="$NGINX_PORT "
NGINX_TLS_PORT=$(free_port)
taken+="$NGINX_TLS_PORT "
APACHE_PORT=$(free_port)
taken+="$APACHE_PORT "
SQUID_PORT=$(free_port)
taken+="$SQUID_PORT "
TINYPROXY_PORT=$(free_port)
taken+="$TINYPROXY_PORT "
BACKEND_PORT=$(free_port)

# ---------------------------------------------------------------- files

# Users the servers switch to when started as root.
user_or() {
	if getent passwd "$1" >/dev/null; then echo "$1"; else echo "$2"; fi
}
group_or() {
	if getent group "$1" >/dev/null; then echo "$1"; else echo "$2"; fi
}
WEB_USER=$(user_or www-data nobody)
WEB_GROUP=$(group_or www-data nogroup)
SQUID_USER=$(user_or proxy nobody)
TINYPROXY_USER=$(user_or tinyproxy nobody)
TINYPROXY_GROUP=$(group_or tinyproxy nogroup)

# The servers drop privileges, so the tree must be readable by them and
# each server's own directory writable by its user.
chmod 755 "$TMP"
mkdir -p "$TMP"/{www,tls,nginx,apache/run,squid,tinyproxy}

# Static files: sizes at the edges of the client's buffers.
: >"$TMP/www/empty.bin"
printf 'x' >"$TMP/www/one.bin"
head -c 65536 /dev/urandom >"$TMP/www/64k.bin"
head -c 1048577 /dev/urandom >"$TMP/www/1m1.bin"
printf '<!doctype html><title>httpstack interop</title>\n' >"$TMP/www/index.html"
chmod 644 "$TMP"/www/*

# A CA and a server certificate for 127.0.0.1 and localhost, made now.
(
	cd "$TMP/tls"
	"$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout ca.key -out ca.pem -days 2 -subj "/CN=httpstack interop CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	"$OPENSSL" req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
	printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
		"extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >server.ext
	"$OPENSSL" x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
		-days 2 -extfile server.ext -out server.pem 2>/dev/null
	chmod 644 ca.pem server.pem
	chmod 600 ca.key server.key
) || die "openssl could not make the certificates"

render() { # render template output
	sed -e "s|@TMP@|$TMP|g" \
		-e "s|@NGINX_PORT@|$NGINX_PORT|g" \
		-e "s|@NGINX_TLS_PORT@|$NGINX_TLS_PORT|g" \
		-e "s|@APACHE_PORT@|$APACHE_PORT|g" \
		-e "s|@SQUID_PORT@|$SQUID_PORT|g" \
		-e "s|@TINYPROXY_PORT@|$TINYPROXY_PORT|g" \
		-e "s|@BACKEND_PORT@|$BACKEND_PORT|g" \
		-e "s|@APACHE_MODULES@|$APACHE_MODULES|g" \
		-e "s|@WEB_USER@|$WEB_USER|g" \
		-e "s|@WEB_GROUP@|$WEB_GROUP|g" \
		-e "s|@SQUID_USER@|$SQUID_USER|g" \
		-e "s|@TINYPROXY_USER@|$TINYPROXY_USER|g" \
		-e "s|@TINYPROXY_GROUP@|$TINYPROXY_GROUP|g" \
		"$repo/interop/testdata/$1" >"$2"
	if grep -n '@[A-Z_]*@' "$2"; then die "unrendered placeholder in $2"; fi
}
render nginx.conf.tmpl "$TMP/nginx/nginx.conf"
render httpd.conf.tmpl "$TMP/apache/httpd.conf"
render squid.conf.tmpl "$TMP/squid/squid.conf"
render tinyproxy.conf.tmpl "$TMP/tinyproxy/tinyproxy.conf"
if [ "$(id -u)" -eq 0 ]; then
	chown "$SQUID_USER" "$TMP/squid"
	chown "$TINYPROXY_USER:$TINYPROXY_GROUP" "$TMP/tinyproxy"
fi

# ---------------------------------------------------------------- servers

# start NAME PORT COMMAND... runs COMMAND in the background (stdout and
# stderr to $TMP/NAME/stderr.log), records its pid and waits up to 10s for
# 127.0.0.1:PORT to accept a connection.
start() {
	local name=$1 port=$2 pid i
	shift 2
	"$@" </dev/null >"$TMP/$name/stderr.log" 2>&1 &
	pid=$!
	pids+=("$name:$pid")
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			die "$name exited at start-up (see its log below)"
		fi
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			log "started $name (pid $pid) on 127.0.0.1:$port"
			return 0
		fi
		sleep 0.1
	done
	die "$name did not accept connections on 127.0.0.1:$port within 10s"
}

"$NGINX" -t -q -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" ||
	die "nginx rejected its config"
start nginx "$NGINX_PORT" "$NGINX" -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf"
start apache "$APACHE_PORT" "$APACHE" -f "$TMP/apache/httpd.conf" -DFOREGROUND
start squid "$SQUID_PORT" "$SQUID" -N -f "$TMP/squid/squid.conf"
start tinyproxy "$TINYPROXY_PORT" "$TINYPROXY" -d -c "$TMP/tinyproxy/tinyproxy.conf"

# Every socket the servers opened must be on loopback. ss (iproute2) is
# used when the machine has it; the configs are the guarantee otherwise.
check_loopback() {
	command -v ss >/dev/null || return 0
	local entry pid all=() bad
	for entry in "${pids[@]}"; do
		pid=${entry#*:}
		all+=("$pid" $(descendants "$pid"))
	done
	bad=$(ss -Htulpn 2>/dev/null | awk -v pids=" ${all[*]} " '
		{
			n = split($0, f, "pid=")
			for (i = 2; i <= n; i++) {
				p = f[i]; sub(/[^0-9].*/, "", p)
				if (index(pids, " " p " ") && $5 !~ /^127\.0\.0\.1:/) { print; break }
			}
		}')
	if [ -n "$bad" ]; then
		printf '%s\n' "$bad" >&2
		die "a server opened a socket that is not on 127.0.0.1"
	fi
	log "all server sockets are on 127.0.0.1"
}
check_loopback

# ---------------------------------------------------------------- tests

export HTTPSTACK_INTEROP_NGINX="127.0.0.1:$NGINX_PORT"
export HTTPSTACK_INTEROP_NGINX_TLS="127.0.0.1:$NGINX_TLS_PORT"
export HTTPSTACK_INTEROP_APACHE="127.0.0.1:$APACHE_PORT"
export HTTPSTACK_INTEROP_SQUID="127.0.0.1:$SQUID_PORT"
export HTTPSTACK_INTEROP_TINYPROXY="127.0.0.1:$TINYPROXY_PORT"
export HTTPSTACK_INTEROP_BACKEND="127.0.0.1:$BACKEND_PORT"
export HTTPSTACK_INTEROP_CA="$TMP/tls/ca.pem"
export HTTPSTACK_INTEROP_DOCROOT="$TMP/www"
export HTTPSTACK_INTEROP_VERSIONS="$nginx_version; $apache_version; $squid_version; $tinyproxy_version"

log "running go test -tags interop ./interop/"
testlog="$TMP/go-test.log"
set +e
go test -tags interop -count=1 -v -timeout 3m ${HTTPSTACK_INTEROP_RUN:+-run "$HTTPSTACK_INTEROP_RUN"} ./interop/ >"$testlog" 2>&1
rc=$?
set -e
# Quiet unless something failed: one line per top-level test.
if [ "$rc" -ne 0 ] || [ -n "${HTTPSTACK_INTEROP_VERBOSE:-}" ]; then
	cat "$testlog"
else
	grep -E '^(interop: |--- |ok |FAIL|PASS$)' "$testlog" || true
fi

# Count leaf tests (subtests without subtests of their own).
awk '
	/^[ \t]*--- (PASS|FAIL|SKIP): / {
		name = $3; result[name] = $2; order[++n] = name
	}
	END {
		for (i = 1; i <= n; i++) for (j = 1; j <= n; j++)
			if (index(order[j], order[i] "/") == 1) { parent[order[i]] = 1; break }
		for (i = 1; i <= n; i++) if (!(order[i] in parent)) {
			r = result[order[i]]
			if (r == "PASS:") p++; else if (r == "FAIL:") f++; else s++
		}
		printf "interop: %d passed, %d failed, %d skipped\n", p, f, s
	}' "$testlog"
# Client bugs the suite skips over (t.Skip("BUG: ...")), once each.
grep -oE '_test\.go:[0-9]+: BUG: .*' "$testlog" | sed -E 's/^_test\.go:[0-9]+: //; s/^/interop: skipped: /' | sort -u || true

[ "$rc" -eq 0 ] || die "go test failed"
status=0
log "ok"
