#!/usr/bin/env node
// Keeps README.md's "Releasing" section in step with the release workflow (`make lint` runs it):
// its secrets table lists exactly the secrets .github/workflows/release.yml uses, it calls
// "required" exactly those the workflow checks for (its REQUIRED_<name> variables), and it names
// the update address(es) of src-tauri/tauri.conf.json.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');
const workflow = read('.github/workflows/release.yml');
const config = JSON.parse(read('src-tauri/tauri.conf.json'));

const section = readme.split(/^## /m).find((s) => s.startsWith('Releasing\n'));
const rows = [...(section ?? '').matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| (required|optional)\b/gm)];
const documented = new Map(rows.map(([, name, need]) => [name, need]));
const used = new Set([...workflow.matchAll(/\bsecrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]));
used.delete('GITHUB_TOKEN'); // GitHub's own, nothing to set
const required = new Set([...workflow.matchAll(/\bREQUIRED_([A-Z0-9_]+): \$\{\{ secrets\.\1 \}\}/g)].map((m) => m[1]));

const problems = [];
if (!section) problems.push('README.md has no "## Releasing" section');
for (const name of used) {
  if (!documented.has(name)) problems.push(`release.yml uses the secret ${name}, which the README's table does not list`);
}
for (const [name, need] of documented) {
  if (!used.has(name)) problems.push(`the README lists the secret ${name}, which release.yml does not use`);
  else if ((need === 'required') !== required.has(name)) {
    problems.push(`the README calls ${name} ${need}, but release.yml ${required.has(name) ? 'requires' : 'does not require'} it (REQUIRED_${name})`);
  }
}
for (const url of config.plugins?.updater?.endpoints ?? []) {
  if (!section?.includes(url)) problems.push(`the README's Releasing section does not name the update address ${url} (tauri.conf.json)`);
}

if (problems.length) {
  console.error(`README.md's "Releasing" section is out of step:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`Releasing docs: ${documented.size} secrets (${required.size} required) as in release.yml`);
