"""Feature super-resolution study: the logic behind every notebook of the workflow."""
import sys

# jsonschema imports rfc3987_syntax whenever it is installed (Jupyter's extras bring it),
# and that module compiles an Earley grammar on import: 2.2 s on a 2-core EPYC, paid by
# every process that validates a config or a notebook (the DAG, each notebook runner via
# nbformat). Nothing here checks an IRI format, so the package blocks that optional
# import for the whole process: a None entry makes it fail as if the module were absent.
sys.modules.setdefault("rfc3987_syntax", None)

__version__ = "0.1.0"
