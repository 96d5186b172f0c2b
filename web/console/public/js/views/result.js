// @ts-check
/** The conversation pane's one error line (#conv-error), for any action taken there. */
import { $ } from "../dom.js";
import { errorText } from "../i18n.js";

/** @param {string} code an error code from the server */
export function showError(code) {
  $("conv-error").textContent = errorText(code);
}

/**
 * Shows a request's outcome: clears the line on success, else says why it failed.
 * @param {{ ok: boolean, error?: string }} result
 * @returns {boolean} whether it succeeded
 */
export function showResult(result) {
  $("conv-error").textContent = result.ok ? "" : errorText(result.error ?? "failed");
  return result.ok;
}
