"""The shape of the rules (ARCHITECTURE.md): short, and a stage found in two hops from the
Snakefile: rule -> its notebook -> one fsrstudy.stages module."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULE_FILES = [ROOT / "Snakefile", *sorted((ROOT / "workflow/rules").glob("*.smk"))]
MAX_RULE_LINES = 25


def rules() -> dict[str, list[str]]:
    """Each rule's lines, from `rule name:` to its last indented line."""
    found = {}
    for path in RULE_FILES:
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            head = re.match(r"(?:local)?rule (\w+):", line)
            if not head:
                continue
            end = i + 1
            while end < len(lines) and (lines[end].startswith(" ") or not lines[end]):
                end += 1
            body = lines[i:end]
            while not body[-1]:
                body.pop()
            found[head.group(1)] = body
    return found


def test_rules_are_found_and_counted():
    found = rules()
    # the rules of the study, by hand: one per notebook, the data and report ones
    assert {"all", "prepare", "train_fsrgan", "focal", "notebook_index", "figure"} <= set(found)
    assert found["all"][0] == "rule all:" and len(found) >= 28


def test_no_rule_is_longer_than_25_lines():
    long = {name: len(body) for name, body in rules().items() if len(body) > MAX_RULE_LINES}
    assert not long, f"rules over {MAX_RULE_LINES} lines: {long}"


def test_a_notebook_rule_names_one_stage_and_its_notebook_one_stage_module():
    numbers = {}
    for name, body in rules().items():
        text = "\n".join(body)
        notebook = re.search(r'notebook="(notebooks/(\d\d)_\w+\.py)"', text)
        if not notebook:
            continue
        stages = set(re.findall(r'stage_(?:html|logs|benchmark)\("(\w+|\w+\{\w+\})"', text))
        assert len(stages) == 1, f"rule {name}: html, logs and benchmark of one stage: {stages}"
        (stage,) = stages
        number = notebook.group(2)
        assert stage.startswith(f"{number}_"), f"rule {name}: stage {stage} is not {number}"
        assert numbers.setdefault(number, name) == name, f"stage {number} has two rules"
        source = (ROOT / notebook.group(1)).read_text()
        modules = set(re.findall(r"^from fsrstudy\.stages import (\w+)", source, re.M))
        assert len(modules) == 1, f"{notebook.group(1)} calls stages modules {modules}"
    assert sorted(numbers) == [f"{n:02d}" for n in range(1, 20)]
