#!/bin/sh
# The backup service: runs backup.sh whenever the cron expression in $BACKUP_SCHEDULE matches
# the current UTC minute. Written in POSIX sh because the postgres image (which carries the
# matching pg_dump) has no cron daemon.
#
# env: BACKUP_SCHEDULE (five cron fields: minute hour day-of-month month day-of-week) + backup.sh's env
# -f: cron fields like "*" must never expand to file names.
set -euf
here="$(cd "$(dirname "$0")" && pwd)"

# field_matches <field> <value> <field minimum>: one cron field (*, N, A-B, */S, A-B/S, comma lists)
# against a number. `*` starts at the field's minimum, so */3 on months means 1,4,7,10.
field_matches() {
  value=$2
  old_ifs=$IFS
  IFS=,
  for part in $1; do
    IFS=$old_ifs
    step=1
    range=$part
    case "$part" in */*) step=${part#*/}; range=${part%/*} ;; esac
    case "$range" in
      "*") lo=$3; hi=99999 ;;
      *-*) lo=${range%-*}; hi=${range#*-} ;;
      *) lo=$range; hi=$range ;;
    esac
    if [ "$value" -ge "$lo" ] && [ "$value" -le "$hi" ] && [ $(((value - lo) % step)) -eq 0 ]; then
      return 0
    fi
  done
  IFS=$old_ifs
  return 1
}

# cron_matches <expression> <minute> <hour> <day-of-month> <month> <day-of-week>
cron_matches() {
  # shellcheck disable=SC2086 # splitting the expression into its five fields is the point
  set -- $1 "$2" "$3" "$4" "$5" "$6"
  [ "$#" -eq 10 ] || return 2
  field_matches "$1" "$6" 0 && field_matches "$2" "$7" 0 && field_matches "$3" "$8" 1 &&
    field_matches "$4" "$9" 1 && { field_matches "$5" "${10}" 0 || { [ "${10}" -eq 0 ] && field_matches "$5" 7 0; }; }
}

if [ "${1:-}" = "--matches" ]; then
  shift
  cron_matches "$@"
  exit $?
fi

: "${BACKUP_SCHEDULE:?BACKUP_SCHEDULE is required}"
cron_matches "$BACKUP_SCHEDULE" 0 0 1 1 0 || [ $? -ne 2 ] || {
  echo "backup-scheduler: BACKUP_SCHEDULE must have five cron fields" >&2
  exit 2
}
echo "backup-scheduler: backing up on '$BACKUP_SCHEDULE' (UTC)"
while :; do
  # Wake at the start of each minute.
  sleep $((60 - $(date -u +%S | sed 's/^0//')))
  # shellcheck disable=SC2046 # date prints the five numbers to match
  if cron_matches "$BACKUP_SCHEDULE" $(date -u '+%M %H %d %m %w' | sed -E 's/(^| )0([0-9])/\1\2/g'); then
    BACKUP_LABEL=scheduled "$here/backup.sh" || echo "backup-scheduler: WARNING: scheduled backup failed" >&2
  fi
done
