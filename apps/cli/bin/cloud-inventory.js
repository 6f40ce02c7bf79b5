#!/usr/bin/env node
// The `cloud-inventory` command of the workspace (package.json "bin"): runs the built CLI
// (dist/apps/cli, made by `npm run build` or `npx nx build cli`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '../../../dist/apps/cli/main.js');
if (!existsSync(main)) {
  process.stderr.write(`cloud-inventory: ${main} is missing; build the CLI first: npm run build (or npx nx build cli)\n`);
  process.exit(2);
}
require(main);
