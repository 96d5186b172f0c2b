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
    // The console page runs in the browser (a plain script, type-checked by web/console/public/tsconfig.json).
    files: ["web/console/public/**/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser } },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
