/**
 * The one script a library pastes into its site, built once at start: the Socket.IO client
 * (from the socket.io package we already run, kept off the page's globals), the widget's labels in
 * both languages and its stylesheet as data, and the widget itself (public/widget.js). Served
 * from our own origin, plain and gzipped; `size` is what the README reports.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { widgetTexts } from "../../shared/texts/widget";

/** From source (tsx) the files sit beside this one; from dist/ they are in the source tree. */
export function widgetPublicDir(): string {
  const candidates = [join(__dirname, "public"), resolve(__dirname, "../../../web/webchat/public")];
  return candidates.find((d) => existsSync(join(d, "widget.js"))) ?? candidates[0]!;
}

export interface WidgetScript {
  js: Buffer;
  gzip: Buffer;
}

export function buildWidgetScript(dir = widgetPublicDir()): WidgetScript {
  const socketIo = readFileSync(
    join(dirname(require.resolve("socket.io/package.json")), "client-dist", "socket.io.min.js"),
    "utf8",
  ).replace(/\n?\/\/# sourceMappingURL=.*$/m, "");
  const widget = readFileSync(join(dir, "widget.js"), "utf8");
  const css = readFileSync(join(dir, "widget.css"), "utf8");
  // The client's UMD wrapper sees a local `module` and no `define`: it sets no global `io`.
  const source = `/*! pustaka-relay web chat widget. Includes the Socket.IO client (MIT). */
(function () {
var __pustaka = {
  texts: ${JSON.stringify(widgetTexts)},
  css: ${JSON.stringify(css)},
  io: (function () { var module = { exports: {} }, exports = module.exports, define;
${socketIo}
  return module.exports; })()
};
${widget}
})();
`;
  const js = Buffer.from(source, "utf8");
  return { js, gzip: gzipSync(js, { level: 9 }) };
}
