// Run a wasm32-wasi module under node's WASI (preview1): node node_wasi.mjs x.wasm [args]
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { argv, exit } from 'node:process';

const wasi = new WASI({ version: 'preview1', args: argv.slice(2), env: {} });
const mod = await WebAssembly.compile(readFileSync(argv[2]));
const inst = await WebAssembly.instantiate(mod, wasi.getImportObject());
exit(wasi.start(inst) ?? 0);
