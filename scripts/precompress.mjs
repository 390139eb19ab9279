// Writes `name.br` (Brotli, quality 11) and `name.gz` (gzip -9) beside every text or Wasm
// file of the built app, for servers that send precompressed copies (`driftlab serve`
// does: docs/DEPLOY.md). A copy that would not be smaller is not written; copies left by
// an earlier build are replaced or removed. Node's own zlib: nothing to install.
//
//   node scripts/precompress.mjs [DIST]     (default: dist/ at the repository root)
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const COMPRESSIBLE = ['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.webmanifest', '.txt'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(process.argv[2] ?? path.join(root, 'dist'));

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}

const info = await stat(dist).catch(() => null);
if (!info?.isDirectory()) {
  console.error(`precompress: ${dist} is not a folder; build the app first (cargo xtask build)`);
  process.exit(1);
}

let plain = 0;
let brotli = 0;
let written = 0;
for await (const file of files(dist)) {
  if (file.endsWith('.br') || file.endsWith('.gz')) continue;
  if (!COMPRESSIBLE.includes(path.extname(file).toLowerCase())) continue;
  const body = await readFile(file);
  const copies = {
    '.br': zlib.brotliCompressSync(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
    '.gz': zlib.gzipSync(body, { level: 9 }),
  };
  for (const [ext, copy] of Object.entries(copies)) {
    if (copy.length < body.length) {
      await writeFile(file + ext, copy);
      written += 1;
    } else {
      await rm(file + ext, { force: true });
    }
  }
  plain += body.length;
  brotli += Math.min(copies['.br'].length, body.length);
}
console.log(
  `precompress: ${written} copies in ${dist}; ${(plain / 1024).toFixed(0)} KB of text and Wasm, ` +
    `${(brotli / 1024).toFixed(0)} KB with Brotli`,
);
