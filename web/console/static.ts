/**
 * The console page's files and the headers of everything the console serves. From
 * public/ we serve exactly: index.html at "/", the top-level *.css and *.js, and js/**\/*.js
 * (the page's ES modules), each with its content type and `cache-control: no-cache`; any other
 * file, directory or method is not served (no listings, no index pages). The routes are made
 * from the files present at start, so nothing is resolved from a request's path.
 *
 * helmet: a CSP that allows only our own scripts and styles (no inline, no CDN); with
 * CONSOLE_SECURE_COOKIE also HSTS and upgrade-insecure-requests.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

/** From source (tsx) the page sits beside this file; from dist/ it is in the source tree. */
export function publicDir(): string {
  const candidates = [join(__dirname, "public"), resolve(__dirname, "../../../web/console/public")];
  return candidates.find((d) => existsSync(join(d, "index.html"))) ?? candidates[0]!;
}

/** The URL path of each file we serve, by its path relative to `dir` (with "/" separators). */
export function pageFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue; // editors' and tools' dotfiles are not the page
      const full = join(folder, entry.name);
      const rel = relative(dir, full).split(sep).join("/");
      if (entry.isDirectory()) {
        if (rel === "js" || rel.startsWith("js/")) walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      if (rel === "index.html") files.set("/", rel);
      else if (!rel.includes("/") && /\.(css|js)$/.test(rel)) files.set(`/${rel}`, rel);
      else if (rel.startsWith("js/") && rel.endsWith(".js")) files.set(`/${rel}`, rel);
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/** helmet's headers for every console response (registered in the console's scope only). */
export async function consoleHeaders(app: FastifyInstance, secureCookie: boolean): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "upgrade-insecure-requests": secureCookie ? [] : null,
      },
    },
    strictTransportSecurity: secureCookie,
  });
}

export function pageRoutes(dir: string): FastifyPluginAsync {
  return async (app) => {
    await app.register(fastifyStatic, {
      root: dir,
      serve: false,
      index: false,
      list: false,
      etag: false,
      lastModified: false,
      cacheControl: false,
      setHeaders: (reply, path) => {
        const type = TYPES[path.slice(path.lastIndexOf("."))];
        if (type) reply.header("content-type", type);
        reply.header("cache-control", "no-cache");
      },
    });
    for (const [url, file] of pageFiles(dir)) {
      app.get(url, (_request, reply) => reply.sendFile(file));
      app.route({
        method: ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
        url,
        handler: (_request, reply) =>
          reply
            .code(405)
            .header("cache-control", "no-store")
            .type("application/json; charset=utf-8")
            .send({ error: "method not allowed" }),
      });
    }
  };
}
