import { redactUrl, type CameraErrorCode } from "@vigil/contracts";

/** Why a camera is not online: a code for the console (worded per language) and the English detail. */
export interface CameraProblem {
  code: CameraErrorCode;
  message: string;
}

/**
 * Turns ffmpeg's stderr into one short, operator-readable reason. The raw text can carry the
 * camera URL with its password (ffmpeg prints the input name), so it is always redacted.
 */
const PATTERNS: { re: RegExp; code: CameraErrorCode; message: string }[] = [
  { re: /spawn .* ENOENT/, code: "ffmpeg_missing", message: "ffmpeg not found: install ffmpeg or set FFMPEG_PATH" },
  { re: /spawn .* EACCES/, code: "ffmpeg_missing", message: "ffmpeg is not executable: check FFMPEG_PATH" },
  { re: /401 Unauthorized|authorization failed|Unauthorized/i, code: "auth_failed", message: "authentication failed (401 Unauthorized): check the camera user and password" },
  { re: /403 Forbidden/i, code: "forbidden", message: "access denied by the camera (403 Forbidden)" },
  { re: /404 Not Found|Stream not found|method DESCRIBE failed: 404/i, code: "stream_not_found", message: "stream path not found on the camera (404)" },
  { re: /Connection refused/i, code: "connection_refused", message: "connection refused: nothing listens at the camera's address and port" },
  { re: /Connection timed out|Operation timed out|timed out/i, code: "timeout", message: "connection timed out: the camera does not answer" },
  { re: /No route to host|Network is unreachable/i, code: "unreachable", message: "camera unreachable: no route to host" },
  { re: /Name or service not known|Temporary failure in name resolution|Failed to resolve hostname/i, code: "dns_failed", message: "camera host name does not resolve" },
  { re: /No such file or directory/i, code: "file_not_found", message: "video file not found" },
  { re: /Permission denied/i, code: "permission_denied", message: "permission denied reading the source" },
  { re: /Invalid data found when processing input|could not find codec parameters|moov atom not found/i, code: "not_video", message: "source is not a readable video stream" },
  { re: /Connection reset by peer|End of file|Broken pipe|error while decoding|Invalid argument/i, code: "interrupted", message: "stream interrupted" },
];

export function classifyFfmpegError(stderr: string, exitCode: number | null, signal: string | null = null): CameraProblem {
  for (const { re, code, message } of PATTERNS) if (re.test(stderr)) return { code, message };
  const lastLine = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1);
  if (lastLine) return { code: "ffmpeg_failed", message: `ffmpeg: ${redactUrl(scrubUrls(lastLine)).slice(0, 300)}` };
  if (signal) return { code: "ffmpeg_failed", message: `ffmpeg ended by ${signal}` };
  return exitCode === 0 ? { code: "stream_ended", message: "stream ended" } : { code: "ffmpeg_failed", message: `ffmpeg exited with code ${exitCode}` };
}

/** Masks credentials in every URL inside a line, not only one at its start. */
export function scrubUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^@/\s"']+)@/gi, "$1***:***@");
}
