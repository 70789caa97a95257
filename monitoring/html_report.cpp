#include "monitoring/html_report.h"

#include <fmt/format.h>

#include <iterator>

#include "monitoring/console_report.h"
#include "monitoring/html_report_sections.h"
#include "monitoring/svg_chart.h"

namespace faultline::monitoring {

namespace {

constexpr const char* kStyle = R"css(
:root { --ink:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --card:#fff;
  --ok:#15803d; --ok-bg:#dcfce7; --warn:#b45309; --warn-bg:#fef3c7; --bad:#b91c1c; --bad-bg:#fee2e2; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif; }
main { max-width:1180px; margin:0 auto; padding:28px 24px 48px; }
header.top { background:var(--card); border:1px solid var(--line); border-radius:12px; padding:22px 26px; }
.kicker { color:var(--muted); font-size:12px; letter-spacing:.06em; text-transform:uppercase; }
h1 { margin:4px 0 6px; font-size:26px; display:flex; align-items:center; gap:12px; flex-wrap:wrap; }
h2 { font-size:17px; margin:34px 0 12px; }
.desc { margin:0 0 14px; color:#334155; font-size:15px; }
.verdict { font-size:13px; font-weight:700; padding:3px 10px; border-radius:999px; letter-spacing:.04em; }
.verdict.pass { color:var(--ok); background:var(--ok-bg); }
.verdict.fail { color:var(--bad); background:var(--bad-bg); }
dl.meta { display:flex; flex-wrap:wrap; gap:6px 28px; margin:0 0 14px; }
dl.meta div { min-width:0; }
dl.meta dt { color:var(--muted); font-size:12px; }
dl.meta dd { margin:0; font-weight:600; overflow-wrap:anywhere; }
.outcome { font-weight:600; margin:10px 0 4px; }
.outcome.pass { color:var(--ok); } .outcome.fail { color:var(--bad); }
.outcome ul { font-weight:400; color:var(--ink); margin:6px 0 0; padding-left:20px; }
.repro { margin:8px 0 0; color:var(--muted); }
code { font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; background:#f1f5f9;
  padding:2px 6px; border-radius:4px; color:#0f172a; overflow-wrap:anywhere; }
.cards { display:grid; grid-template-columns:repeat(4,1fr); gap:12px; }
@media (max-width:720px) { .cards { grid-template-columns:repeat(2,1fr); } }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
.card .label { color:var(--muted); font-size:12px; }
.card .note { color:var(--muted); font-size:12px; margin-top:2px; }
.card .value { font-size:22px; font-weight:650; font-variant-numeric:tabular-nums; margin-top:2px; }
figure.chart { position:relative; margin:0 0 16px; background:var(--card); border:1px solid var(--line);
  border-radius:10px; padding:14px 16px 10px; }
figure.chart .scroll { overflow-x:auto; }
/* Below ~640 px the 11-unit labels would shrink past legibility: scroll instead. */
figure.chart svg { display:block; width:100%; min-width:640px; height:auto; }
figcaption { color:var(--muted); font-size:12.5px; margin-top:4px; }
.tip { position:absolute; display:none; pointer-events:none; background:#0f172aee; color:#fff;
  font-size:12px; padding:6px 9px; border-radius:6px; white-space:nowrap; }
.tip i { display:inline-block; width:9px; height:9px; border-radius:2px; margin-right:6px; }
.table-wrap.statuses { max-width:560px; }
.table-wrap { overflow-x:auto; background:var(--card); border:1px solid var(--line); border-radius:10px; }
table { border-collapse:collapse; width:100%; }
th, td { padding:8px 12px; text-align:left; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; color:var(--muted); font-weight:600; background:#f8fafc; }
tbody tr:last-child td { border-bottom:0; }
tbody tr:nth-child(even) td { background:#fcfdfe; }
.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
.pill { display:inline-block; font-size:12px; font-weight:600; padding:1px 8px; border-radius:999px; white-space:nowrap; }
.pill.ok { color:var(--ok); background:var(--ok-bg); }
.pill.warn { color:var(--warn); background:var(--warn-bg); }
.pill.bad { color:var(--bad); background:var(--bad-bg); }
details { margin:8px 0 0; } summary { cursor:pointer; color:#334155; margin-bottom:6px; }
.empty, .note { color:var(--muted); }
footer { margin-top:40px; color:var(--muted); font-size:12px; }
@media print { body { background:#fff; } figure.chart, .table-wrap, header.top { break-inside:avoid; } }
)css";

// Hover read-outs: reads the points back from each series' path (the SVG stays the single
// source of truth) and the chart's scales from its data-* attributes. The charts do not need it.
constexpr const char* kScript = R"js(
document.querySelectorAll('svg.fl-line-chart').forEach(function (svg) {
  var d = svg.dataset, px0 = +d.px0, px1 = +d.px1, py0 = +d.py0, py1 = +d.py1;
  var ylo = +d.ylo, yhi = +d.yhi, log = d.yscale === 'log';
  function value(py) {
    var f = (py0 - py) / (py0 - py1);
    return log ? ylo * Math.pow(yhi / ylo, f) : f * yhi;
  }
  var series = Array.prototype.map.call(svg.querySelectorAll('path.series'), function (p) {
    var pts = [], re = /[ML](-?[\d.]+) (-?[\d.]+)/g, m, src = p.getAttribute('d') || '';
    while ((m = re.exec(src))) pts.push([+m[1], +m[2], value(+m[2]), false]);
    // Points drawn on the edge of a clipped axis carry their true value: "index:value ...".
    (p.dataset.clipped || '').split(' ').forEach(function (kv) {
      var a = kv.split(':'); if (a.length === 2 && pts[+a[0]]) { pts[+a[0]][2] = +a[1]; pts[+a[0]][3] = true; }
    });
    return { name: p.dataset.name, colour: p.getAttribute('stroke'), pts: pts };
  });
  var cursor = document.createElementNS(svg.namespaceURI, 'line');
  cursor.setAttribute('y1', py1); cursor.setAttribute('y2', py0);
  cursor.setAttribute('stroke', '#334155'); cursor.setAttribute('stroke-dasharray', '3 3');
  cursor.style.display = 'none'; svg.appendChild(cursor);
  var fig = svg.closest('figure') || svg.parentNode;
  var tip = document.createElement('div'); tip.className = 'tip'; fig.appendChild(tip);
  function hide() { cursor.style.display = 'none'; tip.style.display = 'none'; }
  svg.addEventListener('mouseleave', hide);
  svg.addEventListener('mousemove', function (ev) {
    var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    if (p.x < px0 || p.x > px1) { hide(); return; }
    var html = 't = ' + ((p.x - px0) / (px1 - px0) * +d.xmax).toFixed(1) + ' s';
    series.forEach(function (s) {
      var best = null;
      s.pts.forEach(function (q) { if (!best || Math.abs(q[0] - p.x) < Math.abs(best[0] - p.x)) best = q; });
      if (!best || Math.abs(best[0] - p.x) > 8) return;
      var v = best[2];
      html += '<br><i style="background:' + s.colour + '"></i>' + s.name + ': ' +
              (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ' + d.unit + (best[3] ? ' (above the axis)' : '');
    });
    cursor.setAttribute('x1', p.x); cursor.setAttribute('x2', p.x); cursor.style.display = '';
    var box = fig.getBoundingClientRect();
    tip.innerHTML = html; tip.style.display = 'block';
    tip.style.left = Math.max(4, Math.min(ev.clientX - box.left + 14, box.width - tip.offsetWidth - 8)) + 'px';
    tip.style.top = Math.max(4, Math.min(ev.clientY - box.top + 14, box.height - tip.offsetHeight - 4)) + 'px';
  });
});
)js";

std::string esc(std::string_view s) { return escape_xml(s); }

std::string load_text(const experiments::Experiment& e) {
  if (e.load.model == experiments::LoadModel::kClosed) {
    return fmt::format("closed, {} users{}", e.load.users,
                       e.load.stages.empty() ? "" : " (staged)");
  }
  return fmt::format("open, {:.1f} rps{}", e.load.rps, e.load.stages.empty() ? "" : " (staged)");
}

std::string header(const RunOutcome& run, const Evaluation& evaluation,
                   const std::vector<std::string>& set_args) {
  const experiments::Experiment& e = *run.experiment;
  fmt::memory_buffer buf;
  auto out = std::back_inserter(buf);
  const bool pass = evaluation.passed;
  fmt::format_to(
      out,
      "<header class=\"top\">\n<div class=\"kicker\">faultline · {}</div>\n",
      run.live ? "live experiment report (real time on 127.0.0.1)" : "chaos experiment report");
  fmt::format_to(out, "<h1>{} <span class=\"verdict {}\">{}</span></h1>\n", esc(e.name),
                 pass ? "pass" : "fail", pass ? "PASS" : "FAIL");
  if (!e.description.empty()) fmt::format_to(out, "<p class=\"desc\">{}</p>\n", esc(e.description));
  fmt::format_to(out, "<dl class=\"meta\">");
  const auto meta = [&](std::string_view k, const std::string& v) {
    fmt::format_to(out, "<div><dt>{}</dt><dd>{}</dd></div>", k, esc(v));
  };
  meta("Seed", fmt::format("{}", e.seed));
  meta("Virtual duration", fmt::format("{:.1f} s", to_seconds(run.end)));
  if (e.warmup.count() > 0) meta("Warm-up", fmt::format("{:.1f} s", to_seconds(e.warmup)));
  meta("Profile", e.profile == experiments::Profile::kProduction ? "production" : "development");
  meta("Load", load_text(e));
  if (!e.file.empty()) meta("File", e.file);
  fmt::format_to(out, "</dl>\n");

  const auto failed = failed_checks(evaluation);
  if (pass) {
    fmt::format_to(out, "<div class=\"outcome pass\">{} Load test passed!</div>\n",
                   html::status_mark(html::Mark::kPass));
  } else if (failed.empty()) {
    fmt::format_to(out, "<div class=\"outcome fail\">{} Load test failed!</div>\n",
                   html::status_mark(html::Mark::kFail));
  } else {
    fmt::format_to(out,
                   "<div class=\"outcome fail\">{} Load test failed: {} of {} checks failed<ul>",
                   html::status_mark(html::Mark::kFail), failed.size(), evaluation.checks.size());
    for (const CheckResult* c : failed) {
      fmt::format_to(out, "<li>{}{}</li>", esc(c->name),
                     c->detail.empty() ? "" : " — " + esc(c->detail));
    }
    fmt::format_to(out, "</ul></div>\n");
  }
  fmt::format_to(out, "<p class=\"repro\">Reproduce: <code>{}</code></p>\n</header>\n",
                 esc(reproduce_command(run, set_args)));
  return fmt::to_string(buf);
}

// The guide's "Load Test Results" figures, with its labels.
std::string figures_section(const RunOutcome& run, const Evaluation& evaluation) {
  const LoadTestFigures f = load_test_figures(run, evaluation);
  struct Card {
    const char* label;
    std::string value;
    std::string note;  // a muted line under the value
  };
  // An open model has no user count: the card shows the concurrency that arrivals produced.
  const std::string users = f.open_model ? fmt::format("{}", f.peak_in_flight) : f.concurrent_users;
  const std::string users_note =
      f.open_model ? fmt::format("peak in flight · open model at {:.1f} rps", f.load_peak) : "";
  const Card cards[] = {
      {"Total Requests", fmt::format("{}", f.total_requests), ""},
      {"Success Rate", fmt::format("{:.2f}%", f.success_rate), ""},
      {"Average Response Time", format_ms(f.mean_ms) + " ms", ""},
      {"P95 Response Time", format_ms(f.p95_ms) + " ms", ""},
      {"P99 Response Time", format_ms(f.p99_ms) + " ms", ""},
      {"Requests/Second", fmt::format("{:.1f}", f.requests_per_second), ""},
      {"Concurrent Users", users, users_note},
      {"Breaker Opens", fmt::format("{}", f.breaker_opens), ""},
  };
  std::string out =
      "<section id=\"results\">\n<h2>Load Test Results</h2>\n<div class=\"cards\">\n";
  for (const Card& c : cards) {
    out += fmt::format(
        "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div>{}</div>\n",
        c.label, esc(c.value),
        c.note.empty() ? "" : fmt::format("<div class=\"note\">{}</div>", esc(c.note)));
  }
  out += "</div>\n</section>\n";
  return out;
}

}  // namespace

std::string html_report(const RunOutcome& run, const Evaluation& evaluation,
                        const std::vector<std::string>& set_args, const LiveComparison* live) {
  const experiments::Experiment& e = *run.experiment;
  std::string page;
  page.reserve(256 * 1024);
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += fmt::format("<title>{} · faultline report</title>\n", esc(e.name));
  page += fmt::format("<style>{}</style>\n</head>\n<body>\n<main>\n", kStyle);
  page += header(run, evaluation, set_args);
  page += figures_section(run, evaluation);
  page += html::charts_section(run, evaluation, live);
  page += html::fidelity_section(live);
  page += html::tables_section(run, evaluation);
  if (run.live) {
    page += fmt::format(
        "<footer>Generated by faultline from a live run (wall-clock time, real sockets on 127.0.0.1){}; seed {}. "
        "Per-second data: timeline.csv; machine-readable summary: summary.json{}.</footer>\n",
        live != nullptr && live->sim != nullptr ? " beside the simulation of the same file and seed" : "", e.seed,
        live != nullptr && live->fidelity != nullptr ? "; the comparison: fidelity.json" : "");
  } else {
    page += fmt::format(
        "<footer>Generated by faultline from a simulated run (virtual time); seed {}. "
        "Per-second data: timeline.csv; machine-readable summary: summary.json.</footer>\n",
        e.seed);
  }
  page += fmt::format("</main>\n<script>{}</script>\n</body>\n</html>\n", kScript);
  return page;
}

}  // namespace faultline::monitoring
