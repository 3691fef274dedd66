#!/usr/bin/env bash
# `numguard report --out DIR` (harness/report/report_dir.h): DIR is replaced only when it is
# absent, empty, or a report numguard wrote (its .numguard-report marker lists every file);
# a folder with other content is refused before the run (exit 2, one line) and left exactly
# as it was; a replaced report loses only the files its marker lists. And a SIGTERM during
# plot rendering (harness/report/svg_plot.h) leaves no numguard-plot-* files in TMPDIR.
#   tests/cli_report_dir_test.sh NUMGUARD
set -u
NG=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cd "$T" || exit 1
# The smallest report: one section, one kernel, two plots (well under a second).
report() { timeout 120 "$NG" report --quick --threads 1 --sections accumulation \
  --kernel sum.fp32.fp32acc.sequential --out "$@"; }
refused() {  # refused WHAT PATTERN DIR: exit 2, one stderr line matching PATTERN
  report "$3" >/dev/null 2>err.txt
  local rc=$?
  [[ $rc -eq 2 && $(wc -l <err.txt) -eq 1 ]] && grep -q "$2" err.txt ||
    fail "$1: exit $rc (want 2, one line), stderr: $(cat err.txt)"
}

# The issue's case: a report.json alone does not make a folder numguard's.
mkdir keep && touch keep/report.json && echo mine >keep/notes.txt
refused "a folder with report.json and notes.txt" 'has no .numguard-report' keep
[[ $(cat keep/notes.txt 2>/dev/null) == mine && -f keep/report.json ]] || fail "keep/ was changed: $(ls -A keep)"

# A fresh report carries its marker, listing exactly the files written.
report new >/dev/null 2>err.txt || fail "a report into a new folder: $(cat err.txt)"
[[ $(head -1 new/.numguard-report 2>/dev/null) == "numguard-report 1" ]] || fail "no marker in new/"
listed=$(tail -n +2 new/.numguard-report | sort)
written=$(cd new && find . -type f ! -name .numguard-report | sed 's|^\./||' | sort)
[[ -n $listed && $listed == "$written" ]] || fail "the marker lists [$listed], the folder holds [$written]"

# A marked report with a file the user added beside it is refused, the file kept.
echo mine >new/plots/notes.txt
refused "a report folder with a user file" 'holds plots/notes.txt, which numguard did not write' new
[[ $(cat new/plots/notes.txt 2>/dev/null) == mine ]] || fail "new/plots/notes.txt was changed"
rm new/plots/notes.txt

# A marked report alone is replaced; a stale file it listed goes, nothing is left beside.
echo stale >new/plots/old.svg && echo plots/old.svg >>new/.numguard-report
report new >/dev/null 2>err.txt || fail "replacing a marked report: $(cat err.txt)"
[[ -f new/report.json && ! -e new/plots/old.svg ]] || fail "the marked report was not replaced: $(ls -A new/plots)"
ls -A | grep -q staging && fail "a staging folder was left: $(ls -A)"

# A marker that names something outside the folder was not written by numguard.
mkdir odd && printf 'numguard-report 1\n../keep/notes.txt\n' >odd/.numguard-report
refused "a marker naming ../" "lists '../keep/notes.txt'" odd
[[ $(cat keep/notes.txt 2>/dev/null) == mine ]] || fail "keep/notes.txt was removed through odd/'s marker"

# An empty folder and a regular file.
mkdir empty
report empty >/dev/null 2>&1 || fail "an empty folder was refused"
touch afile
refused "a regular file as --out" 'exists and is not a directory' afile

# SIGTERM during plot rendering: a stand-in gnuplot signals numguard (its parent) and then
# hangs, so the signal always lands while the scratch files exist. numguard must die of the
# signal with TMPDIR empty and the stand-in gone.
mkdir bin tmp
cat >bin/gnuplot <<'EOF'
#!/bin/sh
echo "$$" >>"$STANDIN_PIDS"
kill -TERM "$PPID"
exec sleep 30
EOF
chmod +x bin/gnuplot
export STANDIN_PIDS=$T/standins.txt
TMPDIR=$T/tmp PATH=$T/bin:$PATH report signalled >/dev/null 2>&1
rc=$?
[[ $rc -eq 143 ]] || fail "SIGTERM while plotting: exit $rc, want 143 (killed by the signal)"
[[ -s $STANDIN_PIDS ]] || fail "the stand-in gnuplot never ran"
[[ -z $(ls -A tmp) ]] || fail "SIGTERM while plotting left in TMPDIR: $(ls -A tmp)"
[[ ! -e signalled ]] || fail "SIGTERM while plotting left a report folder"
while read -r pid; do
  if kill -0 "$pid" 2>/dev/null; then
    fail "the stand-in gnuplot $pid outlived numguard"
    kill "$pid"
  fi
done <"$STANDIN_PIDS"

[[ $failures -eq 0 ]] && echo "cli_report_dir: all passed"
exit $((failures > 0))
