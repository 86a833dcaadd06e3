// The service's HTTP API, called with the API key kept in sessionStorage (this tab only) and
// the page's language, so that the service's texts (problems, reasons, explanations) follow it.

import { lang } from "./i18n.js";

const KEY = "penempatan.apiKey";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function clearApiKey() {
  sessionStorage.removeItem(KEY);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Call the API; JSON in and out by default. A 503 with Retry-After (a result still being
 * computed) is retried up to `retries` times, calling `onWait` before each wait.
 */
export async function call(path, { method = "GET", json, body, accept, raw = false, retries = 0, onWait } = {}) {
  const headers = { Authorization: `Bearer ${apiKey() ?? ""}`, "Accept-Language": lang() };
  if (json !== undefined) headers["Content-Type"] = "application/json";
  if (accept) headers.Accept = accept;
  for (let attempt = 0; ; attempt += 1) {
    const response = await fetch(path, {
      method, headers, body: json !== undefined ? JSON.stringify(json) : body, cache: "no-store",
    });
    if (response.status === 503 && attempt < retries && response.headers.has("Retry-After")) {
      onWait?.();
      await sleep(Math.min(Number(response.headers.get("Retry-After")) || 2, 10) * 1000);
      continue;
    }
    if (!response.ok) {
      let problem = null;
      try {
        problem = await response.json();
      } catch {
        problem = { detail: response.statusText };
      }
      throw new ApiError(response.status, problem);
    }
    if (raw) return response;
    if (response.status === 204) return null;
    return response.json();
  }
}
