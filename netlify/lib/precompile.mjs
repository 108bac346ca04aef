// Build step (scripts/build-netlify.sh): bytecode for Pyodide's Python, made by Pyodide itself
// (its CPython 3.14 magic number). Pyodide ships the standard library as sources and writes no
// bytecode, so without this every cold start recompiles each module it imports.
//   netlify/python/**/__pycache__/*.pyc   the kit and its packages: checked-hash pycs, so an
//                                          edited source is never run from stale bytecode
//   netlify/python-stdlib.zip             Pyodide's python_stdlib.zip plus an unchecked-hash
//                                          .pyc next to every .py (zipimport prefers it);
//                                          api.mjs passes it as stdLibURL when present
// Usage: node netlify/lib/precompile.mjs <netlify dir>
import path from "node:path";
import { loadPyodide } from "pyodide";

const dir = path.resolve(process.argv[2]);
const indexURL = path.join(dir, "node_modules", "pyodide") + path.sep;
const py = await loadPyodide({ indexURL });
py.FS.mkdirTree("/build");
py.FS.mount(py.FS.filesystems.NODEFS, { root: dir }, "/build");
py.runPython(`
import compileall, importlib.util, os, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

ok = compileall.compile_dir("/build/python", quiet=1, workers=1,
                            invalidation_mode=compileall.py_compile.PycInvalidationMode.CHECKED_HASH)
if not ok:
    raise SystemExit("precompile: some files of netlify/python did not compile")

stdlib = [p for p in sys.path if p.endswith(".zip")][0]  # /lib/python314.zip, as Pyodide mounts it
tmp = "/build/python-stdlib.zip.tmp"
count = 0
with zipfile.ZipFile(stdlib) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as out:
    for info in src.infolist():
        data = src.read(info)
        out.writestr(info, data)
        if info.filename.endswith(".py"):
            try:
                code = compile(data, f"{stdlib}/{info.filename}", "exec", dont_inherit=True)
            except SyntaxError:
                continue  # test data and templates that are not meant to compile
            out.writestr(info.filename + "c", _code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
            count += 1
os.replace(tmp, "/build/python-stdlib.zip")
print(f"precompiled: netlify/python and {count} standard library modules")
`);
