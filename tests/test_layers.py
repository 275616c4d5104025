"""The package's layers (ARCHITECTURE.md): a module imports only from its own layer or
the layers under it, and the layers the DAG imports load no torch."""
import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "workflow" / "fsrstudy"
SUBPACKAGES = ("data", "models", "evaluation", "report", "stages")
LAYERS = {
    0: "descriptors fsr_names run_files report.figure_catalog hardware atomic schema run_lock "
       "logged provenance",
    1: "config data.manifest data.dataset_kinds data.demo_set data.paper_sets data.user_set "
       "data.group_protocols data.groundtruth data.views data.augment data.degrade data.images "
       "data.paper_ground_truth data.fetch data.download data.safe_files data.coverage "
       "data.known_ground_truth",
    2: "models.fsrgan models.fsrgan_training models.ridge models.distill models.feature_sr "
       "models.isr models.isr_training models.backbones models.features models.compute "
       "models.parallel models.cross_fit models.normalise",
    # pure functions: arrays in, tables out
    3: "evaluation.scoring evaluation.retrieval evaluation.large_scale evaluation.distances "
       "evaluation.comparison evaluation.uncertainty",
    # files in, files out: one module per rules file (settings_choice: the scripts')
    4: "stages.data stages.features stages.train stages.isr stages.analysis "
       "stages.seed_spread stages.distractors stages.lowbitrate stages.focal "
       "stages.settings_choice",
    5: "report.figures report.style report.front_page report.costs report.notebook_index "
       "report.golden report.notebook_defaults report.map_tables notebook_runner",
}
LAYER = {module: layer for layer, names in LAYERS.items() for module in names.split()}


def module_path(module: str) -> Path:
    return PACKAGE.joinpath(*module.split(".")).with_suffix(".py")


def imports(module: str) -> set[str]:
    """The package modules a module imports, as names under fsrstudy (`data.manifest`):
    absolute or relative, at the top or inside a function."""
    package = ["fsrstudy", *module.split(".")[:-1]]
    names = set()
    for node in ast.walk(ast.parse(module_path(module).read_text())):
        if not isinstance(node, ast.ImportFrom):
            continue
        base = package[:len(package) - node.level + 1] if node.level else []
        base = ".".join(base + ([node.module] if node.module else []))
        if not (base == "fsrstudy" or base.startswith("fsrstudy.")):
            continue
        inside = base.removeprefix("fsrstudy").lstrip(".")
        if inside in ("", *SUBPACKAGES):  # from fsrstudy[.data] import manifest, ...
            names |= {f"{inside}.{a.name}".lstrip(".") for a in node.names}
        else:  # from fsrstudy.data.manifest import read
            names.add(inside)
    return names


def test_every_module_has_a_layer():
    modules = {".".join(p.relative_to(PACKAGE).with_suffix("").parts)
               for p in PACKAGE.rglob("*.py") if p.stem != "__init__"}
    assert modules == set(LAYER), sorted(modules ^ set(LAYER))


def test_no_module_imports_from_a_higher_layer():
    upward = [(m, d) for m in LAYER for d in imports(m) if LAYER.get(d, -1) > LAYER[m]]
    assert not upward, upward


def test_the_import_map_sees_subpackages():
    assert {"evaluation.distances", "run_files", "data.manifest", "atomic",
            "models.distill"} <= imports("stages.seed_spread")
    # imported inside functions
    assert {"models.ridge", "models.fsrgan_training"} <= imports("models.feature_sr")
    assert "stages.features" not in imports("stages.analysis")


def test_the_layers_under_the_stages_that_the_dag_uses_import_no_torch():
    for module, layer in LAYER.items():
        if layer <= 1:
            code = re.sub(r'""".*?"""', "", module_path(module).read_text(), flags=re.S)
            assert not re.search(r"^\s*(import|from) (torch|matplotlib|seaborn)\b", code,
                                 re.M), module


def test_model_and_array_files_are_named_in_run_files_alone():
    """One file contract: run_files' functions (and the FSR_MODEL pattern the rules fill)
    name every model (.pt) and array (.npy) file; no other module or rule spells one."""
    rules = PACKAGE.parents[0] / "rules"
    sources = [p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "run_files.py"]
    formatted = [str(p) for p in sources + sorted(rules.glob("*.smk"))
                 if re.search(r"""\.(pt|npy)['"]""", p.read_text())]
    assert not formatted, formatted


def test_architecture_md_lists_every_module_in_its_layer():
    """ARCHITECTURE.md's table (one line per module) is the map above, read by people:
    a module renamed, added or moved to another layer shows up here."""
    table = {}
    layer = None
    for line in (PACKAGE.parents[1] / "ARCHITECTURE.md").read_text().splitlines():
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if len(cells) != 3 or not re.match(r"^(\d+ .*|)$", cells[0]) or "`" not in cells[1]:
            continue
        layer = int(cells[0].split()[0]) if cells[0] else layer
        for name in re.findall(r"`([\w/]+)`", cells[1]):
            table[name.replace("/", ".")] = layer
    assert table == LAYER, sorted(set(table.items()) ^ set(LAYER.items()))
