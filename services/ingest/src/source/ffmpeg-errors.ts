import { redactUrl } from "@vigil/contracts";

/**
 * Turns ffmpeg's stderr into one short, operator-readable reason. The raw text can carry the
 * camera URL with its password (ffmpeg prints the input name), so it is always redacted.
 */
const PATTERNS: { re: RegExp; message: string }[] = [
  { re: /spawn .* ENOENT/, message: "ffmpeg not found: install ffmpeg or set FFMPEG_PATH" },
  { re: /spawn .* EACCES/, message: "ffmpeg is not executable: check FFMPEG_PATH" },
  { re: /401 Unauthorized|authorization failed|Unauthorized/i, message: "authentication failed (401 Unauthorized): check the camera user and password" },
  { re: /403 Forbidden/i, message: "access denied by the camera (403 Forbidden)" },
  { re: /404 Not Found|Stream not found|method DESCRIBE failed: 404/i, message: "stream path not found on the camera (404)" },
  { re: /Connection refused/i, message: "connection refused: nothing listens at the camera's address and port" },
  { re: /Connection timed out|Operation timed out|timed out/i, message: "connection timed out: the camera does not answer" },
  { re: /No route to host|Network is unreachable/i, message: "camera unreachable: no route to host" },
  { re: /Name or service not known|Temporary failure in name resolution|Failed to resolve hostname/i, message: "camera host name does not resolve" },
  { re: /No such file or directory/i, message: "video file not found" },
  { re: /Permission denied/i, message: "permission denied reading the source" },
  { re: /Invalid data found when processing input|could not find codec parameters|moov atom not found/i, message: "source is not a readable video stream" },
  { re: /Connection reset by peer|End of file|Broken pipe|error while decoding|Invalid argument/i, message: "stream interrupted" },
];

export function classifyFfmpegError(stderr: string, exitCode: number | null, signal: string | null = null): string {
  for (const { re, message } of PATTERNS) if (re.test(stderr)) return message;
  const lastLine = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1);
  if (lastLine) return `ffmpeg: ${redactUrl(scrubUrls(lastLine)).slice(0, 300)}`;
  if (signal) return `ffmpeg ended by ${signal}`;
  return exitCode === 0 ? "stream ended" : `ffmpeg exited with code ${exitCode}`;
}

/** Masks credentials in every URL inside a line, not only one at its start. */
export function scrubUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^@/\s"']+)@/gi, "$1***:***@");
}
