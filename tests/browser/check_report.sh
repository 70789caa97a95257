#!/usr/bin/env bash
# Opens a faultline report.html in headless Chromium and checks that it renders: the charts'
# SVG is in the DOM, the page logs no console error, the hover script runs on a synthetic
# mouse move, and the file references nothing outside itself. Takes a screenshot.
# Not part of CI (it needs a browser); run it by hand, see docs/reports.md.
#
# Usage: tests/browser/check_report.sh REPORT.html [SCREENSHOT.png]
#   A sample report: FAULTLINE_SAMPLE_REPORT=/tmp/report.html \
#     build/rep/tests/monitoring_tests --gtest_filter=HtmlReport.WritesSampleWhenAsked
# Exit: 0 all checks passed, 1 a check failed, 2 usage or no browser.
set -euo pipefail

report=${1:-}
if [ -z "$report" ] || [ ! -f "$report" ]; then
  echo "usage: $0 REPORT.html [SCREENSHOT.png]" >&2
  exit 2
fi
report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
screenshot=${2:-${TMPDIR:-/tmp}/$(basename "$(dirname "$report")")-report.png}

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  echo "check_report: installing Debian's chromium" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  browser=chromium
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }

# Any host name resolves nowhere, so a reference that slipped in would show up as an error.
run_browser() {
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$work/profile" \
    --enable-logging=stderr --v=0 "$@"
}

console_errors() {  # $1: chromium's stderr
  grep -E 'Uncaught|ERROR:CONSOLE|Failed to load resource|net::ERR_' "$1" || true
}

# 1. Self-contained: no URL to fetch, no external script or stylesheet.
external='(src|href)[[:space:]]*=[[:space:]]*["'"'"']?(https?:)?//[^"'"'"' >]*|@import[^;]*|url\([[:space:]]*["'"'"']?https?:[^)]*'
if grep -Eqi "$external" "$report"; then
  fail "the report references an external resource:"$'\n'"$(grep -Eoi "$external" "$report" | head -5)"
else
  ok "no external references"
fi

# 2. The DOM after load: the charts and tables are there.
run_browser --dump-dom "file://$report" >"$work/dom.html" 2>"$work/dom.err" || fail "chromium --dump-dom failed"
count() { { grep -o "$1" "$work/dom.html" || true; } | wc -l; }
svgs=$(count '<svg'); paths=$(count '<path'); rects=$(count '<rect'); series=$(count 'class="series"')
tables=$(count '<table')
echo "      DOM: $svgs <svg>, $paths <path> ($series series), $rects <rect>, $tables <table>"
[ "$svgs" -ge 2 ] || fail "expected at least 2 <svg> charts, found $svgs"
[ "$series" -ge 2 ] || fail "expected at least 2 series paths, found $series"
[ "$rects" -ge 1 ] || fail "expected <rect> elements (bands, lanes, clip), found $rects"
[ "$tables" -ge 1 ] || fail "expected the report's tables, found $tables"
for id in chart-latency chart-throughput; do
  grep -q "id=\"$id\"" "$work/dom.html" && ok "chart $id present" || fail "chart $id missing"
done
if grep -Eq ' d="M[0-9.]+ [0-9.]+( L[0-9.]+ [0-9.]+)+' "$work/dom.html"; then
  ok "series paths hold line data"
else
  fail "no series path with at least two points"
fi
errors=$(console_errors "$work/dom.err")
[ -z "$errors" ] && ok "no console errors on load" || fail "console errors on load:"$'\n'"$errors"

# 3. The hover script: a copy of the page moves the mouse over each line chart and reports.
cp "$report" "$work/probe.html"
cat >>"$work/probe.html" <<'EOF'
<script>
window.addEventListener('load', function () {
  var charts = document.querySelectorAll('svg.fl-line-chart'), shown = 0;
  charts.forEach(function (svg) {
    var r = svg.getBoundingClientRect();
    svg.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true }));
    var tip = svg.closest('figure').querySelector('.tip');
    if (tip && tip.style.display === 'block' && /t = /.test(tip.textContent)) shown++;
  });
  console.log('HOVER-PROBE ' + shown + '/' + charts.length);
});
</script>
EOF
run_browser --dump-dom "file://$work/probe.html" >/dev/null 2>"$work/probe.err" || fail "chromium (hover probe) failed"
probe=$({ grep -o 'HOVER-PROBE [0-9]*/[0-9]*' "$work/probe.err" || true; } | tail -1)
shown=$(echo "${probe#HOVER-PROBE }" | cut -d/ -f1); total=$(echo "${probe#HOVER-PROBE }" | cut -d/ -f2)
if [ -n "$probe" ] && [ "$total" -gt 0 ] && [ "$shown" = "$total" ]; then
  ok "hover read-out shown on every line chart ($shown/$total)"
else
  fail "hover read-out missing (${probe:-no probe output})"
fi
errors=$(console_errors "$work/probe.err")
[ -z "$errors" ] && ok "no console errors on hover" || fail "console errors on hover:"$'\n'"$errors"

# 4. A screenshot to look at.
run_browser --screenshot="$screenshot" --window-size=1400,2400 --hide-scrollbars "file://$report" \
  >/dev/null 2>"$work/shot.err" || fail "chromium --screenshot failed"
if [ -s "$screenshot" ]; then ok "screenshot: $screenshot"; else fail "no screenshot written"; fi

if [ "$failures" -gt 0 ]; then
  echo "check_report: $failures check(s) failed for $report" >&2
  exit 1
fi
echo "check_report: all checks passed for $report"
