import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

/** Who may import a channel SDK or the SLiMS driver (everyone else is refused). */
const SDK_OWNERS = {
  telegraf: "bot/channels/*",
  "whatsapp-web.js": "bot/channels/*",
  mysql2: "shared/library/slims.ts",
};

/**
 * no-restricted-imports options: the SDKs in `sdks` (default: all of them) and the role folders in
 * `roles` may not be imported; `main` also refuses the composition root.
 */
function boundaries({ roles = [], sdks = Object.keys(SDK_OWNERS), main = false }) {
  const sdkMessage = (name) => `Only ${SDK_OWNERS[name]} may import ${name}.`;
  return [
    "error",
    {
      paths: sdks.map((name) => ({ name, message: sdkMessage(name) })),
      patterns: [
        ...sdks.map((name) => ({ group: [`${name}/*`], message: sdkMessage(name) })),
        ...roles.map((role) => ({
          group: [`**/${role}`, `**/${role}/**`],
          message: `This folder may not import ${role}/: roles meet only through queues and shared/ (docs/ARCHITECTURE.md).`,
        })),
        ...(main
          ? [
              {
                group: ["**/main", "**/ormconfig"],
                message: "shared/ is imported by the roles, never the other way.",
              },
            ]
          : []),
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".data/", "test-artifacts/", ".stryker-tmp/", "**/public/vendor/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // The shape of the project (docs/ARCHITECTURE.md): what each folder may import. A later block for
  // the same files replaces the rule, so each block lists everything that holds there.
  { files: ["**/*.ts"], rules: { "no-restricted-imports": boundaries({}) } },
  { files: ["bot/**/*.ts"], rules: { "no-restricted-imports": boundaries({ roles: ["relay", "web"] }) } },
  {
    files: ["bot/channels/**/*.ts"],
    rules: { "no-restricted-imports": boundaries({ roles: ["relay", "web"], sdks: ["mysql2"] }) },
  },
  { files: ["relay/**/*.ts"], rules: { "no-restricted-imports": boundaries({ roles: ["bot", "web"] }) } },
  { files: ["web/**/*.ts"], rules: { "no-restricted-imports": boundaries({ roles: ["bot", "relay"] }) } },
  {
    files: ["shared/**/*.ts"],
    rules: { "no-restricted-imports": boundaries({ roles: ["bot", "relay", "web"], main: true }) },
  },
  {
    files: ["shared/library/slims.ts"],
    rules: {
      "no-restricted-imports": boundaries({
        roles: ["bot", "relay", "web"],
        main: true,
        sdks: ["telegraf", "whatsapp-web.js"],
      }),
    },
  },
  { files: ["test/**/*.ts", "bench/**/*.ts"], rules: { "no-restricted-imports": "off" } },
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
    // The web chat widget: one classic script in the library's page (wrapped by web/webchat/script.ts,
    // which provides __pustaka). Text goes in as textContent only, as in the console.
    files: ["web/webchat/public/**/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser, __pustaka: "readonly" } },
    rules: {
      "no-restricted-properties": [
        "error",
        ...["innerHTML", "outerHTML", "insertAdjacentHTML", "createContextualFragment"].map((property) => ({
          property,
          message: "Put text in the widget with textContent (el()), never as HTML.",
        })),
        { object: "document", property: "write", message: "Build elements with el()." },
      ],
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
