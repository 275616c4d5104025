"""The notebooks' parameter cells against what a run handed them.

Each stage notebook's parameter cell holds the values the tiny run
(config/tiny.yaml, results under results/tiny) gives it, so that a notebook opened by
hand runs on that run and its defaults cannot drift from the schema's: `check` lists
the differences, `sync` rewrites the cells from a finished run (comments kept).

    python -m fsrstudy.report.notebook_defaults check RUN_DIR [NOTEBOOKS_DIR]
    python -m fsrstudy.report.notebook_defaults sync RUN_DIR [NOTEBOOKS_DIR]

A folder the workflow hands as {"folder": ..., "files": [...]} (declared) is kept as
its folder alone; paths under RUN_DIR are written under results/tiny.
"""
from __future__ import annotations

import argparse
import ast
import json
import pprint
from pathlib import Path

MARKER = '# %% tags=["parameters"]'
HOME = "results/tiny"  # where a notebook's defaults point: the tiny run's folder


def parameter_cell(source: str) -> tuple[int, int]:
    """(first, end) line numbers (0-based, end excluded) of a notebook's parameters."""
    lines = source.split("\n")
    first = lines.index(MARKER) + 1
    end = next(i for i in range(first, len(lines)) if lines[i].startswith("# %%"))
    return first, end


def defaults(source: str) -> dict:
    first, end = parameter_cell(source)
    tree = ast.parse("\n".join(source.split("\n")[first:end]))
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
            if isinstance(node, ast.Assign)}


def at_home(value, run: str):
    """A handed value as a default: declared folders as their folder, run paths under
    results/tiny."""
    if isinstance(value, dict) and set(value) == {"folder", "files"}:
        value = value["folder"]
    if isinstance(value, str) and value.startswith(run):
        return HOME + value[len(run):]
    if isinstance(value, list):
        return [at_home(v, run) for v in value]
    if isinstance(value, dict):
        return {k: at_home(v, run) for k, v in value.items()}
    return value


def handed(run: Path) -> dict[str, dict]:
    """notebook name -> the parameters the run handed it: of the job of the same name
    when several jobs ran it (05_train_fsrgan among the FSR-GAN methods), else of the
    first by name."""
    out = {}
    for executed in sorted((run / "notebooks").glob("*.ipynb")):
        content = json.loads(executed.read_text())
        notebook = Path(content["metadata"]["papermill"]["input_path"]).stem
        injected = next(c for c in content["cells"] if "injected-parameters" in
                        c.get("metadata", {}).get("tags", []))
        tree = ast.parse("".join(injected["source"]))
        values = {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body
                  if isinstance(n, ast.Assign)}
        if notebook not in out or executed.stem == notebook:
            out[notebook] = at_home(values, str(run.resolve()))
    return out


def differences(run: Path, notebooks: Path) -> list[str]:
    found = []
    for name, values in sorted(handed(run).items()):
        have = defaults((notebooks / f"{name}.py").read_text())
        for key in sorted(set(values) | set(have)):
            if key not in have:
                found.append(f"{name}: {key} is handed but has no default")
            elif key not in values:
                found.append(f"{name}: {key} has a default but is never handed")
            elif have[key] != values[key]:
                found.append(f"{name}: {key} = {have[key]!r}, the run hands {values[key]!r}")
    return found


def assignment(key: str, value) -> list[str]:
    text = pprint.pformat(value, width=max(40, 92 - len(key)), sort_dicts=False)
    lines = text.split("\n")
    return [f"{key} = {lines[0]}"] + [" " * (len(key) + 3) + line for line in lines[1:]]


def sync(run: Path, notebooks: Path) -> list[str]:
    """Rewrite each run notebook's parameter cell from what the run handed it."""
    changed = []
    for name, values in sorted(handed(run).items()):
        path = notebooks / f"{name}.py"
        source = path.read_text()
        first, end = parameter_cell(source)
        lines = source.split("\n")
        tree = ast.parse("\n".join(lines[first:end]))
        cell, taken, done = [], set(), 0
        for node in tree.body:
            if not isinstance(node, ast.Assign):
                continue
            key = node.targets[0].id
            cell += lines[first + done:first + node.lineno - 1]  # comments before it
            original = lines[first + node.lineno - 1:first + node.end_lineno]
            comment = original[-1].split("  # ", 1)[1] if "  # " in original[-1] else None
            if key in values:
                new = assignment(key, values[key])
                if comment and len(new) == 1 and len(new[0]) + len(comment) < 96:
                    new[0] += f"  # {comment}"
                cell += new
                taken.add(key)
            done = node.end_lineno
        cell += lines[first + done:end]
        while cell and not cell[-1].strip():
            cell.pop()
        for key in values:
            if key not in taken:
                cell += assignment(key, values[key])
        updated = "\n".join(lines[:first] + cell + [""] + lines[end:])
        if updated != source:
            path.write_text(updated)
            changed.append(name)
    return changed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["check", "sync"])
    parser.add_argument("run", type=Path)
    parser.add_argument("notebooks", type=Path, nargs="?", default=Path("notebooks"))
    args = parser.parse_args(argv)
    if args.command == "sync":
        print("rewritten:", ", ".join(sync(args.run, args.notebooks)) or "none")
    found = differences(args.run, args.notebooks)
    print("\n".join(found) or "every default is what the run hands")
    raise SystemExit(1 if found else 0)


if __name__ == "__main__":
    main()
