import type { CheckResult } from "../grading/check.ts";
import type { GradeReport, Measurement } from "../grading/grade-report.ts";
import { formatBytes, formatDuration } from "./format.ts";
import { stripControl } from "./safe-text.ts";

/**
 * The reports as one self-contained HTML page (pure): no network, no script but the class
 * view's sorting. Every text from a submission is escaped. Measurements are drawn from their
 * names, so a new exercise gets pictures by naming its figures the same way:
 * `<build>.durationMs` (build times), `<build>.cachedSteps` = "a/b" (cached steps),
 * `<figure>.<os>/<arch>.<field>` (the per-platform table), and `leak.*` checks (where a secret
 * was searched and found).
 */
export function renderHtml(reports: readonly GradeReport[], title = "Grading report"): string {
  const total = reports.reduce((t, r) => t + r.score, 0);
  const max = reports.reduce((t, r) => t + r.maxScore, 0);
  const body = [
    `<header><h1>${esc(title)}</h1><p class="total" data-total="${total}" data-max="${max}">${total} / ${max} points</p></header>`,
    ...reports.map(renderExercise),
  ].join("\n");
  return page(title, body, "");
}

/** One row per learner for one exercise: scores per check, sortable, and the distribution of scores. */
export function renderClassHtml(
  exercise: string,
  entries: readonly { readonly learner: string; readonly report: GradeReport }[],
): string {
  const checks = entries[0]?.report.checks.map((c) => ({ id: c.id, max: c.maxPoints })) ?? [];
  const head = [
    `<th data-sort="text">learner</th>`,
    `<th data-sort="number">score</th>`,
    `<th data-sort="text">status</th>`,
    ...checks.map((c) => `<th data-sort="number" title="${esc(c.id)}">${esc(c.id)}</th>`),
  ].join("");
  const rows = entries
    .map(({ learner, report }) => {
      const cells = checks.map((c) => {
        const check = report.checks.find((x) => x.id === c.id);
        const points = check?.points ?? 0;
        return `<td class="${check?.status ?? "error"}" data-value="${points}" title="${esc(check?.message ?? "not reported")}">${mark(check?.status)} ${points}/${c.max}</td>`;
      });
      return `<tr data-learner="${esc(learner)}"><td>${esc(learner)}</td><td data-value="${report.score}" class="score">${report.score}/${report.maxScore}</td><td class="${report.status}">${esc(report.status)}</td>${cells.join("")}</tr>`;
    })
    .join("\n");
  const max = entries[0]?.report.maxScore ?? 0;
  const body = `<header><h1>${esc(exercise)}: the class</h1><p>${entries.length} submissions</p></header>
<section><h2>Scores</h2>${histogram(
    entries.map((e) => e.report.score),
    max,
  )}</section>
<section><h2>Per learner</h2><p class="hint">Click a column's header to sort by it.</p>
<table class="class"><thead><tr>${head}</tr></thead><tbody>
${rows}
</tbody></table></section>`;
  return page(`${exercise}: the class`, body, SORT_SCRIPT);
}

function renderExercise(report: GradeReport): string {
  const parts = [
    `<section class="exercise" data-exercise="${esc(report.exercise)}" data-score="${report.score}" data-max="${report.maxScore}">`,
    `<h2>${esc(report.exercise)}: ${esc(report.title)} <span class="badge ${report.status}">${esc(report.status)}</span> <span class="score">${report.score} / ${report.maxScore}</span></h2>`,
  ];
  if (report.error)
    parts.push(
      `<p class="error">Grading could not be done (${esc(report.error.code)}): ${esc(report.error.message)}${report.error.hint ? `. ${esc(report.error.hint)}` : ""}</p>`,
    );
  if (report.flaggedEdits?.length)
    parts.push(
      `<p class="note">Not used for grading (outside the exercise folders): ${report.flaggedEdits.map(esc).join(", ")}</p>`,
    );
  if (report.checks.length > 0) parts.push(checksTable(report));
  parts.push(
    buildTimes(report.measurements),
    cachedSteps(report.measurements),
    platformTable(report.measurements),
  );
  parts.push(leakMap(report.checks));
  if (report.notes.length)
    parts.push(`<ul class="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`);
  parts.push(measurementTable(report.measurements), "</section>");
  return parts.filter(Boolean).join("\n");
}

function checksTable(report: GradeReport): string {
  const rows = report.checks.map((c) => {
    const where = c.location
      ? `<a class="where" href="${esc(fileHref(report.submission, c.location.file))}">${esc(c.location.file)}${c.location.line ? `:${c.location.line}` : ""}</a>`
      : "";
    const details = c.details?.length
      ? `<details><summary>${c.details.length} detail${c.details.length === 1 ? "" : "s"}</summary><pre>${c.details.map(esc).join("\n")}</pre></details>`
      : "";
    return `<tr class="${c.status}" data-check="${esc(c.id)}" data-points="${c.points}" data-max="${c.maxPoints}"><td class="mark">${mark(c.status)}</td><td class="points">${c.points}/${c.maxPoints}</td><td><code>${esc(c.id)}</code><br><span class="title">${esc(c.title)}</span></td><td>${esc(c.message)} ${where}${details}</td></tr>`;
  });
  return `<table class="checks"><thead><tr><th></th><th>points</th><th>check</th><th>what was found</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function buildTimes(m: Readonly<Record<string, Measurement>>): string {
  const builds = Object.entries(m).flatMap(([k, v]) => {
    const name = /^([a-z][\w-]*)\.durationMs$/.exec(k)?.[1];
    return name && typeof v === "number" ? [{ name, ms: v }] : [];
  });
  if (builds.length === 0) return "";
  const longest = Math.max(...builds.map((b) => b.ms), 1);
  return figure(
    "Build times",
    builds.map((b) =>
      bar(b.name, b.ms / longest, formatDuration(b.ms), `data-build="${esc(b.name)}" data-ms="${b.ms}"`),
    ),
  );
}

function cachedSteps(m: Readonly<Record<string, Measurement>>): string {
  const rows = Object.entries(m).flatMap(([k, v]) => {
    const name = /^([a-z][\w-]*)\.cachedSteps$/.exec(k)?.[1];
    const parts = typeof v === "string" ? /^(\d+)\/(\d+)$/.exec(v) : null;
    return name && parts ? [{ name, cached: Number(parts[1]), total: Number(parts[2]) }] : [];
  });
  if (rows.length === 0) return "";
  return figure(
    "Steps from cache",
    rows.map((r) =>
      bar(
        r.name,
        r.total ? r.cached / r.total : 0,
        `${r.cached} of ${r.total}`,
        `data-cached="${r.cached}/${r.total}"`,
      ),
    ),
  );
}

function platformTable(m: Readonly<Record<string, Measurement>>): string {
  const byPlatform = new Map<string, Map<string, Measurement>>();
  for (const [k, v] of Object.entries(m)) {
    const match = /^([a-z][\w-]*)\.([a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?)\.([\w-]+)$/.exec(k);
    if (!match) continue;
    const [, figureName = "", platform = "", field = ""] = match;
    const row = byPlatform.get(platform) ?? new Map<string, Measurement>();
    row.set(`${figureName}.${field}`, v);
    byPlatform.set(platform, row);
  }
  if (byPlatform.size === 0) return "";
  const columns = [...new Set([...byPlatform.values()].flatMap((r) => [...r.keys()]))].sort();
  const rows = [...byPlatform.entries()].map(
    ([platform, row]) =>
      `<tr data-platform="${esc(platform)}"><th>${esc(platform)}</th>${columns.map((c) => `<td data-field="${esc(c)}">${esc(show(c, row.get(c)))}</td>`).join("")}</tr>`,
  );
  return `<figure><figcaption>Per platform</figcaption><table class="platforms"><thead><tr><th>platform</th>${columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></figure>`;
}

function leakMap(checks: readonly CheckResult[]): string {
  const leaks = checks.filter((c) => c.id.startsWith("leak."));
  if (leaks.length === 0) return "";
  const items = leaks.map(
    (c) =>
      `<li class="${c.status}" data-leak="${esc(c.id)}"><span class="mark">${c.status === "passed" ? "clean" : c.status === "failed" ? "FOUND" : "not searched"}</span> <b>${esc(c.id.slice(5))}</b>${c.details?.length ? `<ul>${c.details.map((d) => `<li><code>${esc(d)}</code></li>`).join("")}</ul>` : ""}</li>`,
  );
  return `<figure><figcaption>Where the secret was searched</figcaption><ul class="leaks">${items.join("")}</ul></figure>`;
}

function measurementTable(m: Readonly<Record<string, Measurement>>): string {
  const rows = Object.entries(m).map(
    ([k, v]) =>
      `<tr data-measure="${esc(k)}" data-value="${esc(String(v))}"><td><code>${esc(k)}</code></td><td>${esc(show(k, v))}</td></tr>`,
  );
  return rows.length
    ? `<details class="measurements"><summary>All measurements</summary><table>${rows.join("")}</table></details>`
    : "";
}

function histogram(scores: readonly number[], max: number): string {
  const buckets = new Map<number, number>();
  for (const s of scores) buckets.set(s, (buckets.get(s) ?? 0) + 1);
  const most = Math.max(1, ...buckets.values());
  const rows = [...buckets.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([score, count]) =>
      bar(
        `${score}/${max}`,
        count / most,
        `${count} learner${count === 1 ? "" : "s"}`,
        `data-bucket="${score}" data-count="${count}"`,
      ),
    );
  return `<div class="bars">${rows.join("")}</div>`;
}

function figure(caption: string, bars: readonly string[]): string {
  return `<figure><figcaption>${esc(caption)}</figcaption><div class="bars">${bars.join("")}</div></figure>`;
}

function bar(label: string, fraction: number, text: string, attributes: string): string {
  const width = Math.max(0, Math.min(100, fraction * 100)).toFixed(1);
  return `<div class="bar" ${attributes}><span class="label">${esc(label)}</span><span class="track"><span class="fill" style="width:${width}%"></span></span><span class="value">${esc(text)}</span></div>`;
}

function show(key: string, value: Measurement | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "number" && /Ms$/.test(key)) return formatDuration(value);
  if (typeof value === "number" && /[Bb]ytes$/.test(key)) return formatBytes(value);
  return String(value);
}

function mark(status: string | undefined): string {
  return status === "passed" ? "✓" : status === "failed" ? "✗" : "!";
}

function fileHref(submission: string, file: string): string {
  const path = `${submission.replace(/\/$/, "")}/${file}`;
  return submission.startsWith("/") ? `file://${encodeURI(path)}` : encodeURI(path);
}

/** Text for HTML, from data the grader does not control. */
export function esc(text: string): string {
  return stripControl(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function page(title: string, body: string, script: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
${body}
${script ? `<script>${script}</script>` : ""}
</body></html>
`;
}

const STYLE = `
:root{color-scheme:light dark;--ok:#1a7f37;--bad:#cf222e;--err:#9a6700;--muted:#6e7781;--bar:#0969da}
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem}
h1{margin:0}.total{font-size:1.3rem;margin:.2rem 0 1.5rem}
section{border-top:1px solid #8884;padding-top:1rem;margin-top:1.5rem}
.badge{font-size:.8rem;padding:.1rem .5rem;border-radius:1rem;border:1px solid currentColor;vertical-align:middle}
.passed{color:var(--ok)}.failed{color:var(--bad)}.error,.not-attempted{color:var(--err)}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{padding:.3rem .5rem;border-bottom:1px solid #8883;text-align:left;vertical-align:top}
table.checks td{color:inherit}table.checks tr.failed td.mark,table.checks tr.failed td.points{color:var(--bad);font-weight:bold}
table.checks tr.passed td.mark{color:var(--ok)}.title{color:var(--muted)}.where{margin-left:.3rem}
pre{white-space:pre-wrap;font-size:.85rem;margin:.3rem 0}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}
.bar{display:grid;grid-template-columns:11rem 1fr 9rem;gap:.5rem;align-items:center;margin:.2rem 0}
.track{background:#8882;height:.9rem;border-radius:.2rem;overflow:hidden}.fill{display:block;height:100%;background:var(--bar)}
.leaks li.failed .mark{color:var(--bad);font-weight:bold}.leaks li.passed .mark{color:var(--ok)}
table.class th{cursor:pointer;white-space:nowrap}.hint,.note{color:var(--muted)}
`;

const SORT_SCRIPT = `
document.querySelectorAll("table.class th").forEach(function (th, column) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0];
    var numeric = th.dataset.sort === "number";
    var down = th.dataset.dir !== "down";
    th.dataset.dir = down ? "down" : "up";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column], y = b.cells[column];
      var d = numeric ? Number(x.dataset.value) - Number(y.dataset.value) : x.textContent.localeCompare(y.textContent);
      return down ? -d : d;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
`;
