#!/usr/bin/env bash
# The boundaries docs/architecture.md promises, checked on the source tree so that a
# change that breaks one fails the suite instead of waiting for a reviewer:
#  - no source file in daemon/ is over 400 lines (split by role, not by accident);
#  - SQLite is a detail of daemon/store: no SQLite include, type or raw connection
#    (`.sql()`) outside it, and no SQL statement text either (a second storage engine
#    plugs in behind store's interface).
# Usage: layout_test.sh <source root>. Prints every offending place; exit 1 if any.
set -uo pipefail
root=${1:?source root}
cd "$root" || exit 2
status=0

while read -r lines file; do
  [[ $file == total ]] && continue
  if ((lines > 400)); then
    echo "$file: $lines lines (limit 400): split it by role"
    status=1
  fi
done < <(find daemon -type f \( -name '*.cc' -o -name '*.h' -o -name '*.js' -o -name '*.in' \) \
  -print0 | xargs -0 wc -l)

outside_store() {
  grep -rnE "$1" daemon --include='*.cc' --include='*.h' | grep -v '^daemon/store/' |
    grep -vE '^[^:]+:[0-9]+:\s*//'
}
if hits=$(outside_store '#include <(SQLiteCpp|sqlite3)|SQLite::|\.sql\(\)|->sql\(\)'); then
  echo "SQLite used outside daemon/store (use a store repository or query):"
  echo "$hits"
  status=1
fi
if hits=$(outside_store '"(SELECT |INSERT INTO |UPDATE [a-z_]+ SET |DELETE FROM |PRAGMA )'); then
  echo "SQL text outside daemon/store:"
  echo "$hits"
  status=1
fi
exit $status
