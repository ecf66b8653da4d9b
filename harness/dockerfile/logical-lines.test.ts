import { describe, expect, it } from "vitest";
import { logicalLines } from "./logical-lines.ts";
import { heredocMarkers } from "./heredoc.ts";
import { shellWords } from "../util/shell-words.ts";

// Each case is a form BuildKit's parser accepts; the expectations are what its parser produces.
describe("logical lines, as BuildKit cuts a Dockerfile", () => {
  it("runs a lone heredoc's body and resumes after its terminator", () => {
    const { instructions } = logicalLines(
      ["FROM node:20", "RUN --mount=type=cache,target=/root/.npm <<EOF", "npm ci", "EOF", "COPY . ."].join(
        "\n",
      ),
    );
    expect(instructions.map((i) => [i.keyword, i.line, i.endLine])).toEqual([
      ["FROM", 1, 1],
      ["RUN", 2, 4],
      ["COPY", 5, 5],
    ]);
    expect(instructions[1]?.heredocs).toMatchObject([
      { name: "EOF", fd: 0, content: "npm ci\n", expand: true },
    ]);
  });

  it("reads several heredocs in the order of their markers, with file descriptors", () => {
    const { instructions } = logicalLines(
      [
        "FROM a",
        "RUN <<EOF 3<<IN1 4<<IN2 sh",
        "cat /dev/fd/3",
        "EOF",
        "FROM x",
        "IN1",
        "two",
        "IN2",
        "USER 1",
      ].join("\n"),
    );
    expect(instructions.map((i) => i.keyword)).toEqual(["FROM", "RUN", "USER"]);
    expect(instructions[1]?.heredocs.map((h) => [h.name, h.fd, h.content])).toEqual([
      ["EOF", 0, "cat /dev/fd/3\n"],
      ["IN1", 3, "FROM x\n"],
      ["IN2", 4, "two\n"],
    ]);
  });

  it("takes quoted terminators literally and strips tabs before a <<- terminator", () => {
    const { instructions } = logicalLines(
      [
        "FROM a",
        "RUN <<eo'f' bash",
        "FROM y",
        "eof",
        'COPY <<-"END" /etc/motd',
        "\thello",
        "\tEND",
        "USER x",
      ].join("\n"),
    );
    expect(instructions.map((i) => i.keyword)).toEqual(["FROM", "RUN", "COPY", "USER"]);
    expect(instructions[1]?.heredocs[0]).toMatchObject({ name: "eof", expand: false, content: "FROM y\n" });
    expect(instructions[2]?.heredocs[0]).toMatchObject({ name: "END", chomp: true, expand: false });
  });

  it("finds no heredoc in a here-string or a marker glued to a word", () => {
    expect(heredocMarkers("RUN cat <<<word")).toEqual([]);
    expect(heredocMarkers("RUN cat<<EOF")).toEqual([]);
    expect(heredocMarkers("RUN echo '<<EOF'")).toEqual([]);
    expect(heredocMarkers("RUN << EOF")).toEqual([]);
    expect(shellWords(`a "b c" 'd\\' e\\ f`, false)).toEqual(["a", "b c", "d\\", "e f"]);
  });

  it("ends a line on an escaped escape token, continues it on a single one", () => {
    const { instructions } = logicalLines(["FROM a", "RUN echo a\\\\", "RUN echo b \\", "  c"].join("\n"));
    expect(instructions.map((i) => i.rest)).toEqual(["a", "echo a\\\\", "echo b   c"]);
  });

  it("skips comments and empty lines inside a continuation", () => {
    const { instructions } = logicalLines(
      ["FROM a", "RUN apk add \\", "# a comment", "", "    curl \\", "  # indented comment", "    git"].join(
        "\n",
      ),
    );
    expect(instructions[1]).toMatchObject({ rest: "apk add     curl     git", line: 2, endLine: 7 });
  });

  it("honours the escape directive, a byte-order mark and CRLF line ends", () => {
    const { instructions, escape, directives } = logicalLines(
      "\uFEFF# escape=`\r\n# syntax=docker/dockerfile:1\r\nFROM a\r\nRUN dir C:\\ `\r\n  /b\r\n",
    );
    expect(escape).toBe("`");
    expect(directives).toEqual({ escape: "`", syntax: "docker/dockerfile:1" });
    expect(instructions.map((i) => i.rest)).toEqual(["a", "dir C:\\   /b"]);
  });

  it("reads keywords without regard to case and heredocs under ONBUILD", () => {
    const { instructions } = logicalLines(
      ["from a", "onbuild run <<EOF", "echo x", "EOF", "Run true"].join("\n"),
    );
    expect(instructions.map((i) => i.keyword)).toEqual(["FROM", "ONBUILD", "RUN"]);
    expect(instructions[1]?.heredocs[0]?.content).toBe("echo x\n");
  });

  it("says which heredoc is never terminated", () => {
    expect(logicalLines("FROM a\nRUN <<EOF\necho\n").problems).toEqual([
      'line 2: heredoc <<EOF is never terminated by a line "EOF"',
    ]);
  });

  it("takes a directive only before everything else", () => {
    expect(logicalLines("FROM a\n# escape=`\nRUN a \\\n b\n").escape).toBe("\\");
    expect(logicalLines("# escape=x\nFROM a\n").problems).toEqual([
      "line 1: invalid escape token 'x' (use \\ or `)",
    ]);
  });
});
