#!/usr/bin/env bash
# A throw-away Virtuoso (Debian's virtuoso-opensource) on 127.0.0.1, for the remote-backend tests.
#
#   .ci/virtuoso.sh start DIR PORT [SQLPORT]   create DIR, write DIR/virtuoso.ini, start, wait until ready;
#                                              writes DIR/govkg.env (GOVKG_REMOTE_* lines) for the client
#   .ci/virtuoso.sh stop DIR                   stop the instance whose database is in DIR (and wait)
#
# HTTP listens on 127.0.0.1:PORT, SQL on 127.0.0.1:SQLPORT (default PORT+1).  Writes go through the
# authenticated endpoints (/sparql-auth, /sparql-graph-crud-auth, digest auth) as a user "govkg" with a random
# password and the SPARQL_UPDATE role; the anonymous /sparql endpoint stays read-only.  The dba password is
# random too, kept in DIR/dba.password (mode 600).  Installs virtuoso-opensource with apt when it is missing.
set -euo pipefail

die() { echo "virtuoso.sh: $*" >&2; exit 1; }

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: $0 start DIR PORT [SQLPORT] | stop DIR"

ensure_installed() {
  command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "virtuoso-t is not installed; run: apt-get install -y virtuoso-opensource"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq virtuoso-opensource >/dev/null || { apt-get update -qq && apt-get install -y -qq virtuoso-opensource >/dev/null; }
}

isql() {  # isql SQL... : run statements as dba
  isql-vt "127.0.0.1:$(cat "$dir/sql.port")" dba "$(cat "$dir/dba.password")" "$@"
}

start() {
  local port=${1:-} sqlport=${2:-}
  [ -n "$port" ] || die "start needs a port"
  [ -n "$sqlport" ] || sqlport=$((port + 1))
  ensure_installed
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/virtuoso.pid" ] && kill -0 "$(cat "$dir/virtuoso.pid")" 2>/dev/null; then
    die "an instance already runs in $dir (pid $(cat "$dir/virtuoso.pid"))"
  fi
  umask 077
  local dba_pw user_pw
  dba_pw=g$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  user_pw=g$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  printf '%s' "$dba_pw" >"$dir/dba.password"
  printf '%s' "$sqlport" >"$dir/sql.port"
  local lib=/usr/lib/x86_64-linux-gnu/virtuoso-opensource-7
  [ -d "$lib" ] || lib=$(dirname "$(dpkg -L virtuoso-opensource-7-common 2>/dev/null | grep '/hosting$' | head -1)")
  cat >"$dir/virtuoso.ini" <<EOF
[Database]
DatabaseFile     = $dir/virtuoso.db
ErrorLogFile     = $dir/virtuoso.log
LockFile         = $dir/virtuoso.lck
TransactionFile  = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel    = 7
FileExtend       = 200
MaxCheckpointRemap = 2000
Striping         = 0
TempStorage      = TempDatabase

[TempDatabase]
DatabaseFile     = $dir/virtuoso-temp.db
TransactionFile  = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping         = 0

[Parameters]
ServerPort       = 127.0.0.1:$sqlport
LiteMode         = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 20
CheckpointInterval = 60
O_DIRECT         = 0
CaseMode         = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls     = 0
SchedulerInterval = 10
DirsAllowed      = ., $dir
ThreadCleanupInterval = 0
ThreadThreshold  = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU        = 0
PrefixResultNames = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps    = 64
MaxQueryMem      = 512M
VectorSize       = 1000
MaxVectorSize    = 1000000
AdjustVectorSize = 0
ThreadsPerQuery  = 2
AsyncQueueMaxThreads = 10
NumberOfBuffers  = 20000
MaxDirtyBuffers  = 15000

[HTTPServer]
ServerPort       = 127.0.0.1:$port
ServerRoot       = $dir
MaxClientConnections = 20
DavRoot          = DAV
EnabledDavVSP    = 0
HTTPProxyEnabled = 0
TempASPXDir      = 0
ServerThreads    = 20
MaxKeepAlives    = 20
KeepAliveTimeout = 10
MaxCachedProxyConnections = 0
HTTPThreadSize   = 280000
HttpPrintWarningsInOutput = 0
Charset          = UTF-8
EnabledGzipContent = 0

[AutoRepair]
BadParentLinks   = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT  = 0

[VDB]
ArrayOptimization = 0
NumArrayParameters = 10
VDBDisconnectTimeout = 1000
KeepConnectionOnFixedThread = 0

[Replication]
ServerName       = govkg-test
ServerEnable     = 0

[URIQA]
DynamicLocal     = 0
DefaultHost      = 127.0.0.1:$port

[SPARQL]
ResultSetMaxRows = 10000000
MaxSortedTopRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
DefaultQuery     = select distinct ?Concept where {[] a ?Concept} LIMIT 100
DeferInferenceRulesInit = 0
EOF
  # Start detached, logging to DIR; the pid comes from Virtuoso's own lock file.
  rm -f "$dir/virtuoso.lck"
  (cd "$dir" && exec virtuoso-t +foreground +configfile "$dir/virtuoso.ini") >"$dir/server.out" 2>&1 </dev/null &
  local pid="" i
  for i in $(seq 1 600); do
    [ -n "$pid" ] || pid=$(sed -n 's/^VIRT_PID=//p' "$dir/virtuoso.lck" 2>/dev/null || true)
    [ -n "$pid" ] && echo "$pid" >"$dir/virtuoso.pid"
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$dir/virtuoso.log" "$dir/server.out" >&2 || true; die "virtuoso exited while starting"
    fi
    if grep -q "Server online at" "$dir/virtuoso.log" 2>/dev/null \
       && curl -fsS -o /dev/null "http://127.0.0.1:$port/sparql?query=ASK%7B%7D" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  [ "$i" -lt 600 ] || { stop_instance; die "virtuoso did not come up within 120 s"; }
  # The new database has dba/dba: replace it first (only 127.0.0.1 can reach it meanwhile).  Then a user for
  # writes: SPARQL_UPDATE role, write permission on graphs, digest auth on /sparql-auth.
  isql-vt "127.0.0.1:$sqlport" dba dba exec="USER_SET_PASSWORD ('dba', '$dba_pw');" >"$dir/setup.out" 2>&1 \
    || { cat "$dir/setup.out" >&2; stop_instance; die "could not set the dba password"; }
  # Virtuoso's own graphs (quad-map metadata, ontologies it ships) go into its private-graphs group, which
  # the govkg user cannot see: govkg's queries over "all graphs" then see only the user's data.
  local private="http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs" g
  local -a sql=("DB.DBA.RDF_GRAPH_GROUP_CREATE ('$private', 1);")
  while IFS= read -r g; do
    [ -n "$g" ] && sql+=("DB.DBA.RDF_GRAPH_GROUP_INS ('$private', '$g');")
  done < <(curl -fsS -H 'Accept: text/csv' --data-urlencode 'query=SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }' \
             "http://127.0.0.1:$port/sparql" | tail -n +2 | tr -d '"\r')
  sql+=("DB.DBA.USER_CREATE ('govkg', '$user_pw');"
        "GRANT SPARQL_UPDATE TO \"govkg\";"
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('govkg', 7, 0);"
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('govkg', 0, 1);"
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1, 0);")
  local -a args=()
  for g in "${sql[@]}"; do args+=("exec=$g"); done
  isql "${args[@]}" >>"$dir/setup.out" 2>&1 || { cat "$dir/setup.out" >&2; stop_instance; die "could not set up the govkg user"; }
  if grep -q '\*\*\* Error' "$dir/setup.out"; then cat "$dir/setup.out" >&2; stop_instance; die "could not set up the govkg user"; fi
  cat >"$dir/govkg.env" <<EOF
GOVKG_BACKEND=remote
GOVKG_REMOTE_QUERY_URL=http://127.0.0.1:$port/sparql-auth
GOVKG_REMOTE_UPDATE_URL=http://127.0.0.1:$port/sparql-auth
GOVKG_REMOTE_GSP_URL=http://127.0.0.1:$port/sparql-graph-crud-auth
GOVKG_REMOTE_USER=govkg
GOVKG_REMOTE_PASSWORD=$user_pw
GOVKG_REMOTE_AUTH=digest
EOF
  echo "virtuoso up on 127.0.0.1:$port (sql $sqlport), pid $pid; settings in $dir/govkg.env"
}

stop_instance() {
  [ -f "$dir/virtuoso.pid" ] || return 0
  local pid i
  pid=$(cat "$dir/virtuoso.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/virtuoso.pid"
}

case "$cmd" in
  start) start "${3:-}" "${4:-}" ;;
  stop) dir=$(cd "$dir" 2>/dev/null && pwd) || exit 0; stop_instance ;;
  *) die "unknown command $cmd (start|stop)" ;;
esac
