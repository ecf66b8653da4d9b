import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { GradeReport } from "../grading/grade-report.ts";
import { esc, renderClassHtml, renderHtml } from "./html-report.ts";
import { SAMPLE_FAILED } from "./sample-reports.ts";

const captured = (id: string): GradeReport =>
  JSON.parse(readFileSync(new URL(`./testdata/reports/${id}.json`, import.meta.url), "utf8")) as GradeReport;

describe("HTML report", () => {
  it("keeps a submission's text inert", () => {
    const hostile: GradeReport = {
      ...SAMPLE_FAILED,
      checks: SAMPLE_FAILED.checks.map((c, i) =>
        i === 0
          ? {
              ...c,
              message: '<script>alert(1)</script> "quoted" \u001b[31mred\u202e',
              details: ["<img src=x onerror=alert(1)>"],
            }
          : c,
      ),
    };
    const html = renderHtml([hostile]);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; red");
    expect(html.includes("\u001b") || html.includes("\u202e")).toBe(false);
    expect(esc(`a'b`)).toBe("a&#39;b");
  });
  it("draws build times, cached steps, platforms and the leak map from the measurements' names", () => {
    const html = renderHtml([
      captured("01-cache-mounts"),
      captured("02-multi-platform"),
      captured("03-build-secrets"),
    ]);
    // cold, source-change and manifest-change of exercise 01, the one build of 02 and of 03
    expect(html.match(/data-build="/g)).toHaveLength(5);
    expect(html).toContain('data-cached="5/8"');
    expect(html).toContain('data-platform="linux/arm64"');
    expect(html.match(/data-leak="/g)).toHaveLength(5);
    expect(html).toMatch(/data-total="(\d+)" data-max="\1"/);
  });
  it("gives the class one row per learner and the distribution of scores", () => {
    const full = captured("03-build-secrets");
    const entries = [
      { learner: "ada", report: full },
      { learner: "bob", report: { ...full, score: full.score - 3, status: "failed" as const } },
      { learner: "cy", report: full },
    ];
    const html = renderClassHtml("03-build-secrets", entries);
    expect(html.match(/<tr data-learner=/g)).toHaveLength(3);
    expect(html).toContain(`data-bucket="${full.score}" data-count="2"`);
    expect(html).toContain(`data-bucket="${full.score - 3}" data-count="1"`);
  });
});
