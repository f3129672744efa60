# Sourced by backup.sh and restore.sh: reads the target of one service's
# database from --url (mariadb:// or mysql://, as DB_URL) or --sqlite (a file,
# as DB_SQLITE_PATH), and --file. Sets kind, file, and for MariaDB host, port,
# user, database and MYSQL_PWD (the password stays off the command line).
kind='' file='' url='' sqlite=''
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url=$2; shift 2 ;;
    --sqlite) sqlite=$2; shift 2 ;;
    --file) file=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 64 ;;
  esac
done
if [ -z "$file" ] || { [ -z "$url" ] && [ -z "$sqlite" ]; } || { [ -n "$url" ] && [ -n "$sqlite" ]; }; then
  echo "usage: $(basename "$0") (--url mariadb://user:password@host:port/database | --sqlite PATH) --file FILE" >&2
  exit 64
fi
urldecode() { printf '%b' "${1//%/\\x}"; }
if [ -n "$url" ]; then
  kind=mariadb
  rest=${url#*://}
  authority=${rest%%/*}
  database=$(urldecode "${rest#*/}")
  database=${database%%\?*}
  hostport=${authority##*@}
  credentials=''
  [ "$hostport" != "$authority" ] && credentials=${authority%@*}
  user=$(urldecode "${credentials%%:*}")
  password=''
  [ "${credentials#*:}" != "$credentials" ] && password=$(urldecode "${credentials#*:}")
  host=${hostport%%:*}
  port=3306
  [ "${hostport#*:}" != "$hostport" ] && port=${hostport#*:}
  user=${user:-root}
  export MYSQL_PWD="$password"
  if ! [[ "$database" =~ ^[A-Za-z0-9_]+$ ]]; then
    echo "database name must be letters, digits and underscores: \"$database\"" >&2
    exit 64
  fi
else
  kind=sqlite
fi
