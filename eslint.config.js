// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import globals from "globals";

/** Files that may use test doubles and fixtures: tests, the doubles themselves, benchmarks. */
const TEST_FILES = ["**/*.test.ts", "**/testing/**", "**/testdata/**", "harness/bench/**"];

const NO_TEST_CODE = {
  group: ["**/testing/**", "**/testdata/**", "**/*.test.ts"],
  message: "Test code stays out of production files.",
};
const NO_GRADERS = {
  group: ["**/graders/**"],
  message: "The harness finds graders by convention (grading/grader-loader.ts); it never imports one.",
};

/**
 * @param {string[]} files
 * @param {string[]} ignores
 * @param {{ group: string[]; message: string }[]} patterns
 * @param {string[]} [alsoIgnore]
 */
function restrictImports(files, ignores, patterns, alsoIgnore = []) {
  return {
    files,
    ignores: [...ignores, ...alsoIgnore],
    rules: { "no-restricted-imports": ["error", { patterns }] },
  };
}

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "reports/",
      "exercises/*/workspace/",
      "exercises/*/solution/",
      "exercises/*/wrong/",
      "exercises/*/correct/",
      // Scripts that run inside build containers, not project code.
      "harness/**/testdata/*.cjs",
      "**/dist/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [importX.createNodeResolver({ extensions: [".ts", ".js", ".json"] })],
      // The cycle check reads imported files itself: with TypeScript's parser.
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/extensions": [".ts", ".js"],
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      // `const { dropped: _x, ...kept } = value` is how a field is left out.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true, varsIgnorePattern: "^_" }],
      // Numbers and booleans read well in messages.
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
      // Data from outside (GitHub's API, YAML, JSON) is typed by its schema yet checked anyway:
      // a "needless" guard on it is deliberate.
      "@typescript-eslint/no-unnecessary-condition": "off",
      // Layers depend one way: no module may (even indirectly) import itself.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  // Production code never reaches into tests, test doubles or fixtures, and the harness never
  // imports a grader (graders are found by convention: harness/grading/grader-loader.ts).
  restrictImports(["graders/**/*.ts"], TEST_FILES, [NO_TEST_CODE]),
  restrictImports(["harness/**/*.ts"], TEST_FILES, [NO_TEST_CODE, NO_GRADERS]),
  restrictImports(
    TEST_FILES.filter((f) => f.startsWith("**") || f.startsWith("harness")),
    [],
    [NO_GRADERS],
    ["graders/**"],
  ),
  {
    // Gradings report through their progress and report sinks: a console line from a module
    // would land in learners' terminals and CI logs. Only the CLIs and benchmarks print.
    files: ["harness/**/*.ts", "graders/**/*.ts"],
    ignores: [...TEST_FILES, "harness/cli/**"],
    rules: { "no-console": "error" },
  },
  {
    // Callbacks passed to the browser run in the page, typed without the DOM library.
    files: ["**/*.browser.test.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
);
