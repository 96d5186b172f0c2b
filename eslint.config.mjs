import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".data/", "test-artifacts/", "**/public/vendor/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // telegraf and whatsapp-web.js may only be imported by the channel adapters (ARCHITECTURE §6.1).
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "telegraf", message: "Only bot/channels/* may import telegraf." },
            { name: "whatsapp-web.js", message: "Only bot/channels/* may import whatsapp-web.js." },
          ],
          patterns: [
            { group: ["telegraf/*"], message: "Only bot/channels/* may import telegraf." },
            { group: ["whatsapp-web.js/*"], message: "Only bot/channels/* may import whatsapp-web.js." },
          ],
        },
      ],
    },
  },
  {
    files: ["bot/channels/**/*.ts", "test/**/*.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // The console page runs in the browser as ES modules (type-checked by web/console/public/tsconfig.json).
    // Patron and staff text goes in as textContent (dom.js el()), never parsed as HTML.
    files: ["web/console/public/**/*.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.browser } },
    rules: {
      "no-restricted-properties": [
        "error",
        ...["innerHTML", "outerHTML", "insertAdjacentHTML", "createContextualFragment"].map((property) => ({
          property,
          message: "Put text in the page with textContent (dom.js el()), never as HTML.",
        })),
        { object: "document", property: "write", message: "Build elements with dom.js el()." },
      ],
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
