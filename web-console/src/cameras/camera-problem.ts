import type { CameraStatus } from "@vigil/contracts";
import { getLang, t } from "../i18n/index.js";

/**
 * What is wrong with a camera, in the operator's language: Vietnamese from the status's code; in
 * English the service's own detail (it carries figures such as the frame rate). Statuses from
 * services older than the codes fall back to that detail in both.
 */
export function cameraProblemText(s: Pick<CameraStatus, "error" | "errorCode"> | null | undefined): string {
  if (!s?.error && !s?.errorCode) return "";
  if (s.errorCode && (getLang() === "vi" || !s.error)) return t(`camera.problem.${s.errorCode}`);
  return s.error ?? "";
}
