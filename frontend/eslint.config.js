// Lint for the web app: ESLint's and typescript-eslint's recommended rules, and React's rules
// of hooks (hooks called unconditionally, effect dependencies complete, no state set during
// render or synchronously in an effect). `npm run lint` allows no warning.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "src/gql"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      globals: globals.browser,
    },
  },
);
