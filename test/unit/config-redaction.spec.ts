/**
 * A configuration error names the variable and shows what it got, but never a secret in it:
 * URL credentials are found by parsing (odd passwords included), and a URL that does not parse
 * is not shown at all. Every URL variable is tried with every odd password, each once with a
 * scheme the variable refuses (the value parses, the error shows it redacted) and once as given.
 */
import { expect } from "chai";
import { CHANNEL_DESCRIPTORS } from "../../bot/channels";
import { loadConfig } from "../../shared/config";
import { ConfigError } from "../../shared/errors";
import { redactUrl } from "../../shared/redact";

function failure(env: Record<string, string>): ConfigError | undefined {
  try {
    loadConfig(env, CHANNEL_DESCRIPTORS);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  return undefined;
}

/** Each variable, with a scheme it refuses. */
const URL_VARIABLES: Array<[variable: string, refusedScheme: string, acceptedScheme: string]> = [
  ["DATABASE_URL", "redis", "postgres"],
  ["REDIS_URL", "postgres", "redis"],
  ["SLIMS_DATABASE_URL", "postgres", "mysql"],
  ["TELEGRAM_API_ROOT", "ftp", "https"],
  ["TELEGRAM_WEBHOOK_URL", "ftp", "https"],
];
// The delimiters of a URL inside a password (as `pa/ss`, `p@ss`, …), around letters found nowhere else.
const PASSWORDS = ["qx/zw", "qx@zw", "qx:zw", ":", "qx%2Fzw", "qx?zw#vj", "qx zw", "qx/zw@kq:"];
/** What must never appear: the password, and each of its parts around a delimiter. */
const fragments = (password: string) =>
  [password, ...password.split(/[/@:%?# ]/)].filter((f) => f.length >= 2 && f !== "2F");

describe("config: secrets never reach an error message", () => {
  for (const [variable, refused, accepted] of URL_VARIABLES) {
    for (const password of PASSWORDS) {
      for (const [scheme, user] of [
        [refused, "someone"],
        [refused, ""],
        [accepted, "someone"],
        [accepted, ""],
      ] as const) {
        const value = `${scheme}://${user}:${password}@db.example:1234/x`;
        it(`${variable}=${value.replace(password, "<" + password + ">")}`, () => {
          const err = failure({ TELEGRAM_BOT_TOKEN: "123456:ABC-def_ghi", [variable]: value });
          if (!err) return; // accepted as it is: nothing is printed
          expect(err.variable).to.equal(variable);
          for (const fragment of fragments(password)) expect(err.message).not.to.contain(fragment);
          if (password === ":") expect(err.message).not.to.contain(":::");
          if (user) expect(err.message).not.to.contain(user);
        });
      }
    }
  }

  it("a refused URL that parses is shown with its host, its credentials replaced", () => {
    const err = failure({ DATABASE_URL: "mysql://u:p@ss@db.example/x" })!;
    expect(err.message).to.contain('got "mysql://…:…@db.example/x"');
    expect(redactUrl("redis://:pw@cache:6379")).to.equal("redis://:…@cache:6379");
    expect(redactUrl("postgres://u:pa/ss@h/db")).to.equal("…");
    expect(redactUrl("postgres://h/db?password=x")).to.equal("postgres://h/db?…");
  });

  it("hides every variable whose name says TOKEN, SECRET, PASSWORD or KEY", () => {
    for (const [variable, value] of [
      ["TELEGRAM_BOT_TOKEN", "not-a-token-hunter2"],
      ["TELEGRAM_WEBHOOK_SECRET", "short2"],
      ["SECRET_BOX_KEY", "not-base64-hunter2!"],
    ] as const) {
      const err = failure({ [variable]: value });
      if (!err) continue;
      expect(err.variable).to.equal(variable);
      expect(err.message).not.to.contain(value);
    }
  });
});
