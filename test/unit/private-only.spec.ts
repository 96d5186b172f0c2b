/**
 * Which answers are private-only (member data, membership actions), and which texts typed during
 * the password step stay readable: the two tables the privacy guarantees rest on (issue 8 items 1–2).
 */
import { expect } from "chai";
import { ANSWER_LIST, ANSWERS } from "../../relay/answers";
import { isPasswordStepExit } from "../../shared/secret-box";

describe("private-only answers and the password step's exits", () => {
  it("marks exactly the membership answers private-only, in the list and in the built registry", () => {
    const privateOnly = ANSWER_LIST.filter((a) => a.privateOnly).map((a) => a.name);
    expect(privateOnly).to.have.members(["link", "unlink", "loans", "fines", "renew", "reminders"]);
    expect(
      Object.values(ANSWERS)
        .filter((a) => a.privateOnly)
        .map((a) => a.name),
    ).to.have.members(privateOnly);
  });

  it("lets only the step's exit commands, typed alone, through unredacted", () => {
    for (const exit of ["/batal", "/cancel", "/PUSTAKAWAN", " /librarian ", "/batal@pustaka_bot"])
      expect(isPasswordStepExit(exit), exit).to.equal(true);
    for (const secret of ["/Rahasia!9", "/batal rahasia", "batal", "/pinjaman", "/tautkan", "/batalkan", ""])
      expect(isPasswordStepExit(secret), secret).to.equal(false);
  });
});
