"""The package's layers (ARCHITECTURE.md): a module imports only from its own layer or
the layers under it, and the layers the DAG imports load no torch."""
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "workflow" / "fsrstudy"
LAYERS = {
    0: "descriptors fsr_names storage figure_catalog hardware atomic",
    1: "config manifest dataset_kinds demo_set paper_sets user_set protocols groundtruth "
       "evaluation views augment degrade images datasets fetch download safe_files",
    2: "fsrgan training ridge distill feature_sr isr isr_training backbones features compute "
       "parallel analysis comparison figures style front_page costs notebook_index "
       "notebook_runner retrieval large_scale distractors lowbitrate focal seed_spread",
    3: "stages.data stages.features stages.train stages.isr stages.analysis "
       "stages.applications",
}
LAYER = {module: layer for layer, names in LAYERS.items() for module in names.split()}


def module_path(module: str) -> Path:
    return PACKAGE.joinpath(*module.split(".")).with_suffix(".py")


def imports(module: str) -> set[str]:
    """The package modules a module imports (from . import a, b / from .a import x; in
    a subpackage, from .. import a / from .b import x), as dotted names."""
    text = module_path(module).read_text()
    package = module.rpartition(".")[0]
    sibling = f"{package}." if package else ""
    names = set()
    for dots, name in re.findall(r"^from (\.+)(\w+) import", text, re.M):
        names.add(name if len(dots) == 2 or not package else sibling + name)
    for dots, group in re.findall(r"^from (\.+) import \(([^)]*)\)", text, re.M | re.S) + \
            re.findall(r"^from (\.+) import ([^(\n]+)$", text, re.M):
        prefix = sibling if len(dots) == 1 else ""
        names |= {prefix + n.strip().split(" as ")[0] for n in group.split(",") if n.strip()}
    return names


def test_every_module_has_a_layer():
    modules = {".".join(p.relative_to(PACKAGE).with_suffix("").parts)
               for p in PACKAGE.rglob("*.py") if p.stem != "__init__"}
    assert modules == set(LAYER), sorted(modules ^ set(LAYER))


def test_no_module_imports_from_a_higher_layer():
    upward = [(m, d) for m in LAYER for d in imports(m) if LAYER.get(d, -1) > LAYER[m]]
    assert not upward, upward


def test_the_import_map_sees_subpackages():
    assert {"analysis", "storage", "manifest"} <= imports("stages.analysis")
    assert "stages.features" not in imports("stages.analysis")


def test_the_layers_under_the_stages_that_the_dag_uses_import_no_torch():
    for module, layer in LAYER.items():
        if layer <= 1:
            code = re.sub(r'""".*?"""', "", module_path(module).read_text(), flags=re.S)
            assert not re.search(r"^\s*(import|from) (torch|matplotlib|seaborn)\b", code,
                                 re.M), module


def test_model_and_array_files_are_named_in_storage_alone():
    """One file contract: storage's functions (and the FSR_MODEL pattern the rules fill)
    name every model (.pt) and array (.npy) file; no other module or rule spells one."""
    rules = PACKAGE.parents[0] / "rules"
    sources = [p for p in PACKAGE.glob("*.py") if p.stem != "storage"]
    formatted = [str(p) for p in sources + sorted(rules.glob("*.smk"))
                 if re.search(r"""\.(pt|npy)['"]""", p.read_text())]
    assert not formatted, formatted
