// @ts-check
/**
 * Mutation run over the modules that carry the README's guarantees: `npm run test:mutation`
 * (not part of `npm test` or CI). MUTATION_SCOPE=rules,log,... picks groups (default: all); each
 * group names only the spec files that exercise its modules, so a group takes minutes, not hours.
 *
 * Why the "command" test runner: @stryker-mutator/mocha-runner 9.x loads
 * mocha/lib/cli/run-helpers, which mocha 12 renamed to .cjs (and it ignores mocha's global
 * fixtures, which create our test database); 10.x refuses to start on Node 20. The command runner
 * runs mocha's own CLI once per mutant, exactly like `npm test` (tsx, global fixtures), with
 * --bail so a killed mutant stops at its first failing test.
 */
const scopes = {
  // The renewal rules and dates (shared by SLiMS and the demo library).
  rules: {
    mutate: ["shared/library/renewal-rules.ts", "shared/library/circulation-dates.ts"],
    spec: [
      "test/unit/library-dates.spec.ts",
      "test/unit/circulation-dates-edges.spec.ts",
      "test/unit/php-setting.spec.ts",
      "test/unit/demo-library.spec.ts",
      "test/integration/slims-library.spec.ts",
    ],
  },
  // The SLiMS adapter: reads and the guarded renewal write.
  slims: {
    mutate: ["shared/library/slims.ts"],
    spec: ["test/integration/slims-library.spec.ts"],
  },
  // The message log: ingress write, the relay's drain, egress status.
  log: {
    mutate: ["shared/log/*.ts"],
    spec: [
      "test/integration/message-log-drain.spec.ts",
      "test/integration/telegram-poller.spec.ts",
      "test/integration/pipeline.spec.ts",
      "test/integration/handoff.spec.ts",
    ],
  },
  // Telegram polling and egress.
  delivery: {
    mutate: ["bot/channels/telegram/poller.ts", "bot/egress.ts"],
    spec: ["test/integration/telegram-poller.spec.ts", "test/integration/pipeline.spec.ts"],
  },
  // Console login, sessions and their limits.
  auth: {
    mutate: ["web/console/auth.ts"],
    spec: ["test/integration/console-http.spec.ts"],
  },
};
const names = (process.env.MUTATION_SCOPE ?? Object.keys(scopes).join(",")).split(",");
const chosen = names.map((name) => {
  const scope = scopes[/** @type {keyof typeof scopes} */ (name.trim())];
  if (!scope)
    throw new Error(`MUTATION_SCOPE: no group "${name}" (groups: ${Object.keys(scopes).join(", ")})`);
  return scope;
});
const specs = [...new Set(chosen.flatMap((s) => s.spec))];

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "command",
  commandRunner: { command: `npx mocha --bail --reporter dot ${specs.join(" ")}` },
  coverageAnalysis: "off",
  mutate: chosen.flatMap((s) => s.mutate),
  // A mutant that does not type-check could never ship: counted as a compile error, not run.
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  concurrency: 2,
  reporters: ["clear-text", "progress-append-only", "html"],
  htmlReporter: { fileName: "test-artifacts/mutation/index.html" },
  // Build output and artifacts are not needed in the sandbox (the specs run the TypeScript sources).
  ignorePatterns: ["dist", "test-artifacts", ".data"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  timeoutMS: 20000,
};
