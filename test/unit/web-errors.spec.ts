import { expect } from "chai";
import { AppError } from "../../shared/errors";
import { StaffError } from "../../web/console/staff";
import { HttpError } from "../../web/http-error";

describe("web errors in the AppError family", () => {
  it("HttpError carries its status and one stable code per status", () => {
    const cases = [
      [400, "HTTP_BAD_REQUEST"],
      [401, "HTTP_UNAUTHORIZED"],
      [403, "HTTP_FORBIDDEN"],
      [404, "HTTP_NOT_FOUND"],
      [405, "HTTP_METHOD_NOT_ALLOWED"],
      [413, "HTTP_PAYLOAD_TOO_LARGE"],
      [415, "HTTP_UNSUPPORTED_MEDIA_TYPE"],
    ] as const;
    for (const [status, code] of cases) {
      const err = new HttpError(status, "no");
      expect(err).to.be.instanceOf(AppError);
      expect(err.status).to.equal(status);
      expect(err.code).to.equal(code);
      expect(err.message).to.equal("no");
    }
  });

  it("StaffError is an AppError with its code", () => {
    const err = new StaffError("STAFF_USERNAME_TAKEN", 'a staff user named "x" already exists');
    expect(err).to.be.instanceOf(AppError);
    expect(err.code).to.equal("STAFF_USERNAME_TAKEN");
    expect(err.name).to.equal("StaffError");
  });
});
