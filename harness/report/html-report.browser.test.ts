import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GradeReport } from "../grading/grade-report.ts";
import { renderClassHtml, renderHtml } from "./html-report.ts";

// The report pages in a real browser (Debian's Chromium, installed by .ci/run): they render,
// log no error, ask the network for nothing, and show the numbers of the JSON they came from.
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const captured = (id: string): GradeReport =>
  JSON.parse(readFileSync(new URL(`./testdata/reports/${id}.json`, import.meta.url), "utf8")) as GradeReport;
const reports = ["01-cache-mounts", "02-multi-platform", "03-build-secrets", "03-build-secrets-leak"].map(
  captured,
);

let browser: Browser;
let dir: string;
beforeAll(async () => {
  if (!CHROMIUM) throw new Error("Chromium is missing: apt-get install chromium (.ci/run does)");
  dir = await mkdtemp(join(tmpdir(), "html-report-"));
  // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
}, 60_000);
afterAll(async () => {
  await browser.close();
  await rm(dir, { recursive: true, force: true });
});

async function open(name: string, html: string): Promise<{ page: Page; problems: string[] }> {
  const file = join(dir, name);
  await writeFile(file, html);
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warn") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${String(e)}`));
  page.on("request", (r) => {
    if (r.url() !== pathToFileURL(file).href) problems.push(`request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return { page, problems };
}

describe("HTML report in Chromium", () => {
  it("shows every exercise's checks and figures as the JSON has them", { timeout: 60_000 }, async () => {
    const { page, problems } = await open("index.html", renderHtml(reports));
    expect(await page.title()).toBe("Grading report");
    const total = await page.$eval(".total", (e) => e.textContent);
    expect(total).toBe(
      `${reports.reduce((t, r) => t + r.score, 0)} / ${reports.reduce((t, r) => t + r.maxScore, 0)} points`,
    );
    const rows = await page.$$eval("table.checks tr[data-check]", (trs) =>
      trs.map((tr) => [
        tr.getAttribute("data-check"),
        tr.querySelector(".points")?.textContent,
        tr.className,
      ]),
    );
    expect(rows).toEqual(
      reports.flatMap((r) => r.checks.map((c) => [c.id, `${c.points}/${c.maxPoints}`, c.status])),
    );
    // The bars are drawn: a cold build longer than a cached one has the wider bar.
    const widths = await page.$$eval("[data-build] .fill", (fills) =>
      fills.map((f) => [f.closest("[data-build]")?.getAttribute("data-ms"), f.getBoundingClientRect().width]),
    );
    const longest = widths.reduce((a, b) => (Number(a[0]) > Number(b[0]) ? a : b));
    expect(Math.max(...widths.map((w) => Number(w[1])))).toBe(longest[1]);
    expect(Number(longest[1])).toBeGreaterThan(50);
    const platforms = await page.$$eval("table.platforms tr[data-platform]", (trs) =>
      trs.map((tr) => [
        tr.getAttribute("data-platform"),
        tr.querySelector('[data-field="entrypoint.machine"]')?.textContent,
      ]),
    );
    expect(platforms).toEqual([
      ["linux/amd64", reports[1]?.measurements["entrypoint.linux/amd64.machine"]],
      ["linux/arm64", reports[1]?.measurements["entrypoint.linux/arm64.machine"]],
    ]);
    const leaks = await page.$$eval(".leaks > li", (lis) =>
      lis.map((li) => [li.getAttribute("data-leak"), li.querySelector(".mark")?.textContent]),
    );
    const leaked = reports[3]?.checks.filter((c) => c.id.startsWith("leak.")) ?? [];
    expect(leaks.slice(-leaked.length)).toEqual(
      leaked.map((c) => [c.id, c.status === "passed" ? "clean" : "FOUND"]),
    );
    expect(leaks.some(([, m]) => m === "FOUND")).toBe(true);
    expect(problems).toEqual([]);
  });

  it("sorts the class view by a column and shows the distribution", { timeout: 60_000 }, async () => {
    const clean = reports[2];
    const leak = reports[3];
    if (!clean || !leak) throw new Error("captured reports missing");
    const entries = [
      { learner: "ada", report: leak },
      { learner: "bea", report: clean },
      { learner: "cal", report: clean },
    ];
    const { page, problems } = await open("class.html", renderClassHtml("03-build-secrets", entries));
    await page.click("table.class th:nth-child(2)");
    const order = await page.$$eval("table.class tbody tr", (trs) =>
      trs.map((tr) => tr.getAttribute("data-learner")),
    );
    expect(order).toEqual(["bea", "cal", "ada"]);
    await page.click("table.class th:nth-child(2)");
    expect(
      await page.$$eval("table.class tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-learner"))),
    ).toEqual(["ada", "bea", "cal"]);
    const buckets = await page.$$eval("[data-bucket]", (bs) =>
      bs.map((b) => [b.getAttribute("data-bucket"), b.querySelector(".value")?.textContent]),
    );
    expect(buckets).toEqual([
      [String(clean.score), "2 learners"],
      [String(leak.score), "1 learner"],
    ]);
    expect(problems).toEqual([]);
  });
});
