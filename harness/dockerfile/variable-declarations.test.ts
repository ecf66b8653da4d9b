import { describe, expect, it } from "vitest";
import { shellWords } from "../util/shell-words.ts";
import { declaredVariables } from "./variable-declarations.ts";

describe("ARG and ENV words, split as BuildKit splits them", () => {
  it.each([
    ['A="two words" B', "\\", ['A="two words"', "B"]],
    ["A='it''s' B=1", "\\", ["A='it''s'", "B=1"]],
    ["A=one\\ two B", "\\", ["A=one\\ two", "B"]],
    ["A=one`  two", "`", ["A=one` ", "two"]],
    ['A="a \\" b"', "\\", ['A="a \\" b"']],
    ["  A   B  ", "\\", ["A", "B"]],
  ])("%s (escape %s)", (text, escape, words) => {
    expect(shellWords(text, true, escape)).toEqual(words);
  });

  it.each([
    ["ARG", "VERSION", [{ name: "VERSION", value: undefined }]],
    [
      "ARG",
      'HOLDER="actions authors" MODE=ci',
      [
        { name: "HOLDER", value: "actions authors" },
        { name: "MODE", value: "ci" },
      ],
    ],
    ["ENV", "PATH=/go/bin:$PATH", [{ name: "PATH", value: "/go/bin:$PATH" }]],
    ["ENV", "GOFLAGS -mod=mod -trimpath", [{ name: "GOFLAGS", value: "-mod=mod -trimpath" }]],
    [
      "ENV",
      "A='x y' B=\"z\"",
      [
        { name: "A", value: "x y" },
        { name: "B", value: "z" },
      ],
    ],
  ])("%s %s", (keyword, text, variables) => {
    expect(declaredVariables(keyword, text, "\\")).toEqual({ variables });
  });

  it.each([
    ["ENV", "PATH", /PATH has no value/],
    ["ENV", "A=1 B", /B has no "="/],
    ["ARG", "=x", /no name/],
    ["ARG", "", /at least one argument/],
  ])("refuses %s %s as BuildKit does", (keyword, text, problem) => {
    expect(declaredVariables(keyword, text, "\\").problem).toMatch(problem);
  });
});
