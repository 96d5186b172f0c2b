// Mocha's spec reporter plus one plain closing line, "N passed, N failed", which CI reads.
"use strict";
const Mocha = require("mocha");

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => passed++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, () => failed++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, () => skipped++);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      // Printed after the spec reporter's epilogue (it listens first).
      setImmediate(() => {
        process.stdout.write(
          `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`,
        );
      });
    });
  }
}

module.exports = SummaryReporter;
