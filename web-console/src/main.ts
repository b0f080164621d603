import { meResponseSchema } from "@vigil/contracts";
import { ApiClient, ApiError } from "./api/client.js";
import { startConsole } from "./app/shell.js";
import { showLogin } from "./auth/login-view.js";
import { forgetSession, mayHaveSession, rememberSession } from "./auth/session-hint.js";
import { safeStorage } from "./ui/storage.js";
import { initLang, getLang, t } from "./i18n/index.js";
import "./styles.css";

/**
 * Entry point: pick the language, resume the session (cookie) or show the login, then start the console.
 * Without a note that this browser signed in (see session-hint.ts) the login shows without asking
 * the server, so a console opened before login logs no 401 in the browser's console.
 */
async function boot(root: HTMLElement): Promise<void> {
  initLang();
  document.documentElement.lang = getLang();
  document.title = "Vigil";
  let signedIn = false;
  // A 401 after sign-in means the session ended (expired, logged out elsewhere): start over at the login.
  const storage = safeStorage();
  const api = new ApiClient({
    onUnauthorized: () => {
      forgetSession(storage);
      if (signedIn) window.location.reload();
    },
  });
  if (mayHaveSession(storage)) {
    try {
      const me = await api.get("/api/v1/me", meResponseSchema);
      api.setCsrfToken(me.csrfToken);
      signedIn = true;
      await startConsole(root, api, me.user);
      return;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) {
        root.textContent = `${t("app.unreachable")}: ${(err as Error).message}`;
        if (!(err instanceof ApiError) || err.status === 0) window.setTimeout(() => window.location.reload(), 5000);
        return;
      }
    }
  }
  const login = await showLogin(root, api);
  rememberSession(storage, login.expiresAt);
  api.setCsrfToken(login.csrfToken);
  signedIn = true;
  await startConsole(root, api, login.user);
}

void boot(document.getElementById("app") as HTMLElement);
