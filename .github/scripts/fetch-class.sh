#!/usr/bin/env bash
# grade-class.yml's fetch: each roster line ("learner owner/repo ref") becomes class/<learner>/,
# the learner's exercises/$EXERCISE/workspace at that ref, taken from the repository as data:
# never run, never followed through a link. FORGE (default https://github.com) is where the
# repositories are; the tests point it at local ones.
FORGE=${FORGE:-https://github.com}
set -u
printf '%s\n' "$EXERCISE" | grep -Eq '^[0-9]{2}-[a-z0-9-]+$' || { echo "::error::no exercise id '$EXERCISE'"; exit 1; }
mkdir -p class
while read -r learner repo ref rest; do
  case "$learner" in ''|'#'*) continue ;; esac
  # Every field is checked before use: names become folder names and URLs.
  if ! printf '%s\n' "$learner" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9-]{0,38}$' ||
     ! printf '%s\n' "$repo" | grep -Eq '^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$' ||
     ! printf '%s\n' "$ref" | grep -Eq '^[A-Za-z0-9._/-]{1,200}$'; then
    echo "::warning::skipped a roster line that is not 'learner owner/repo ref'"
    continue
  fi
  # Two pull requests of one author are two submissions: never merged into one folder.
  place="class/$learner"; n=1
  while [ -e "$place" ]; do n=$((n + 1)); place="class/$learner.$n"; done
  dir=$(mktemp -d)
  ws="$dir/exercises/$EXERCISE/workspace"
  if git -C "$dir" init -q &&
     git -C "$dir" fetch -q --depth 1 --no-tags "$FORGE/$repo.git" "$ref" &&
     git -C "$dir" archive FETCH_HEAD "exercises/$EXERCISE/workspace" | tar -x --no-same-owner -C "$dir"; then
    # The folder itself, never what a link there points at (a classmate's, the solution):
    # links inside it are kept as links, and the grader refuses them naming the learner.
    if [ -L "$ws" ] || [ ! -d "$ws" ]; then
      echo "::warning::$learner: exercises/$EXERCISE/workspace in $repo is not a folder (a link?): not graded"
    else
      mv -T -- "$ws" "$place"
    fi
  else
    echo "::warning::could not fetch $repo at $ref for $learner"
  fi
  rm -rf "$dir"
done < class.txt
ls class
